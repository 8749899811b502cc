#!/usr/bin/env python3
"""Runs the steps of a composite GitHub Action (action.yml) here, the way the Actions runner
would, as far as that can be done off GitHub. Python's standard library only.

- YAML: the plain subset action.yml keeps to (block mappings and lists, one-line plain or quoted
  scalars, | and > block scalars, whole-line comments). Anything else is an error, never a guess.
- Expressions: ${{ }} with inputs.*, steps.<id>.outputs.*, github.action_path,
  github.workspace, runner.os, runner.temp, string literals, == != && || ! ( ) and the status
  functions success() always() failure() cancelled(). Strings compare ignoring case, as on
  GitHub. An `if:` without a status function gets `success() &&`, as on GitHub.
- `run:` steps run with `bash --noprofile --norc -eo pipefail` (GitHub's bash), their env,
  working-directory, GITHUB_ACTION_PATH, and fresh GITHUB_OUTPUT/GITHUB_PATH files per step; the
  step summary goes to one file. `uses:` steps cannot run here: they are reported with their
  evaluated `with:` and count as successful.

Usage: composite.py ACTION_DIR WORKDIR REPORT.json SUMMARY.md [--input NAME=VALUE]...
Writes REPORT.json: {"steps": [{"id", "state": "ran"|"skipped"|"uses", "exit", "outputs",
"uses", "with"}], "outputs": {...}, "failed": bool}. The exit status is the first failing
step's, else 0.
"""

import json
import os
import re
import subprocess
import sys
import tempfile


class YamlError(Exception):
    pass


KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?$")


class Yaml:
    """A reader of the YAML subset described above."""

    def __init__(self, text):
        if "\t" in text:
            raise YamlError("tab characters are not supported")
        self.lines = text.split("\n")
        self.i = 0

    def fail(self, why):
        raise YamlError(f"line {self.i + 1}: {why}: {self.lines[self.i]!r}")

    @staticmethod
    def indent(line):
        return len(line) - len(line.lstrip(" "))

    def skip(self):
        while self.i < len(self.lines):
            s = self.lines[self.i].strip()
            if s and not s.startswith("#"):
                return True
            self.i += 1
        return False

    def document(self):
        node = self.node(0)
        if self.skip():
            self.fail("unexpected content")
        return node

    def node(self, min_indent):
        if not self.skip():
            return None
        ind = self.indent(self.lines[self.i])
        if ind < min_indent:
            return None
        content = self.lines[self.i][ind:]
        if content == "-" or content.startswith("- "):
            return self.seq(ind)
        return self.mapping(ind)

    def mapping(self, ind):
        m = {}
        while self.skip():
            line = self.lines[self.i]
            here = self.indent(line)
            if here < ind:
                break
            if here > ind:
                self.fail("unexpected indentation")
            content = line[ind:]
            if content.startswith("- "):
                self.fail("a list at the indentation of its key is not supported")
            k = KEY.match(content)
            if not k:
                self.fail("expected `key: value`")
            key, rest = k.group(1), (k.group(2) or "").strip()
            if key in m:
                self.fail(f"duplicate key {key}")
            self.i += 1
            m[key] = self.value(rest, ind)
        return m

    def seq(self, ind):
        items = []
        while self.skip():
            line = self.lines[self.i]
            here = self.indent(line)
            if here < ind:
                break
            if here > ind:
                self.fail("unexpected indentation")
            content = line[ind:]
            if not content.startswith("- "):
                break
            item = content[2:]
            if KEY.match(item):
                # `- key: value` starts a mapping indented two more.
                self.lines[self.i] = " " * (ind + 2) + item
                items.append(self.mapping(ind + 2))
            else:
                self.i += 1
                items.append(self.scalar(item.strip()))
        return items

    def value(self, rest, ind):
        if rest == "":
            return self.node(ind + 1)
        if rest in ("|", "|-", ">", ">-"):
            return self.block(rest, ind)
        return self.scalar(rest)

    def block(self, style, ind):
        raw = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() and self.indent(line) <= ind:
                break
            raw.append(line)
            self.i += 1
        while raw and not raw[-1].strip():
            raw.pop()
        if not raw:
            return ""
        width = min(self.indent(l) for l in raw if l.strip())
        lines = [l[width:] if l.strip() else "" for l in raw]
        if style[0] == "|":
            text = "\n".join(lines)
        else:
            if any(l.startswith(" ") for l in lines):
                raise YamlError(f"line {self.i}: more-indented lines in a folded scalar")
            text, prev_blank = "", True
            for l in lines:
                if not l:
                    text += "\n"
                    prev_blank = True
                else:
                    text += l if prev_blank else " " + l
                    prev_blank = False
        return text if style.endswith("-") else text + "\n"

    def scalar(self, s):
        if s.startswith('"'):
            try:
                v = json.loads(s)
            except ValueError:
                self.fail("a double-quoted scalar must be one line with JSON escapes")
            if not isinstance(v, str):
                self.fail("bad double-quoted scalar")
            return v
        if s.startswith("'"):
            if len(s) < 2 or not s.endswith("'") or "'" in s[1:-1].replace("''", ""):
                self.fail("bad single-quoted scalar")
            return s[1:-1].replace("''", "'")
        if s[0] in "{}[]&*!%@`|>," or s.startswith("- ") or s.startswith("? "):
            self.fail("unsupported YAML syntax")
        if ": " in s or " #" in s or s.endswith(":"):
            self.fail("a plain scalar with ': ' or ' #' must be quoted")
        return s


# ---- expressions -------------------------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<call>[A-Za-z_]+)\(\)|(?P<path>[A-Za-z_][A-Za-z0-9_.-]*))"
)
STATUS = ("success", "always", "failure", "cancelled")


class Context:
    def __init__(self, inputs, action_path, workspace, temp):
        self.inputs = inputs
        self.steps = {}
        self.failed = False
        self.values = {
            "github.action_path": action_path,
            "github.workspace": workspace,
            "runner.os": "Linux",
            "runner.temp": temp,
        }

    def lookup(self, path):
        parts = path.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            if parts[1] not in self.inputs:
                raise YamlError(f"unknown input {parts[1]}")
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get(parts[3], "")
        if path in self.values:
            return self.values[path]
        raise YamlError(f"expression context not supported here: {path}")

    def call(self, name):
        return {
            "success": not self.failed,
            "always": True,
            "failure": self.failed,
            "cancelled": False,
        }[name]


def tokens(expr):
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise YamlError(f"cannot read expression at {expr[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def truthy(v):
    return v if isinstance(v, bool) else v != ""


def evaluate(expr, ctx):
    toks, i = tokens(expr), 0

    def peek():
        return toks[i] if i < len(toks) else (None, None)

    def take(kind=None, text=None):
        nonlocal i
        t = peek()
        if kind and t[0] != kind or text and t[1] != text:
            raise YamlError(f"expected {text or kind} in {expr!r}")
        i += 1
        return t

    def primary():
        kind, text = peek()
        if text == "!":
            take()
            return not truthy(primary())
        if text == "(":
            take()
            v = disjunction()
            take("op", ")")
            return v
        take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "call":
            if text not in STATUS:
                raise YamlError(f"function not supported here: {text}()")
            return ctx.call(text)
        if kind == "path":
            return ctx.lookup(text)
        raise YamlError(f"unexpected {text!r} in {expr!r}")

    def comparison():
        left = primary()
        while peek()[1] in ("==", "!="):
            op = take()[1]
            right = primary()
            same = str(left).lower() == str(right).lower()
            left = same if op == "==" else not same
        return left

    def conjunction():
        v = comparison()
        while peek()[1] == "&&":
            take()
            r = comparison()
            v = r if truthy(v) else v
        return v

    def disjunction():
        v = conjunction()
        while peek()[1] == "||":
            take()
            r = conjunction()
            v = v if truthy(v) else r
        return v

    v = disjunction()
    if i != len(toks):
        raise YamlError(f"trailing tokens in {expr!r}")
    return v


def interpolate(text, ctx):
    """Replaces each ${{ expr }} in a string with its value."""
    def one(m):
        v = evaluate(m.group(1), ctx)
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def condition(step, ctx):
    cond = step.get("if")
    if cond is None:
        return ctx.call("success")
    cond = cond.strip()
    if cond.startswith("${{") and cond.endswith("}}"):
        cond = cond[3:-2]
    if not any(re.search(rf"\b{f}\(\)", cond) for f in STATUS):
        cond = f"success() && ({cond})"
    return truthy(evaluate(cond, ctx))


def read_outputs(path):
    """Parses a GITHUB_OUTPUT file: `name=value` and `name<<DELIM` … `DELIM`."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        else:
            raise YamlError(f"bad GITHUB_OUTPUT line {line!r}")
    return out


def main(argv):
    action_dir, workdir, report, summary = (os.path.abspath(a) for a in argv[:4])
    overrides = {}
    rest = argv[4:]
    while rest:
        if rest[0] != "--input" or len(rest) < 2 or "=" not in rest[1]:
            raise SystemExit("usage: composite.py ACTION_DIR WORKDIR REPORT SUMMARY [--input NAME=VALUE]...")
        name, value = rest[1].split("=", 1)
        overrides[name] = value
        rest = rest[2:]

    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = Yaml(f.read()).document()
    if action["runs"]["using"] != "composite":
        raise YamlError("not a composite action")
    declared = action.get("inputs") or {}
    unknown = set(overrides) - set(declared)
    if unknown:
        raise YamlError(f"inputs not declared in action.yml: {sorted(unknown)}")
    inputs = {k: overrides.get(k, (v or {}).get("default", "")) for k, v in declared.items()}

    temp = tempfile.mkdtemp(prefix="composite-")
    ctx = Context(inputs, action_dir, workdir, temp)
    path = os.environ.get("PATH", "")
    results, status = [], 0
    for n, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", f"step{n}")
        result = {"id": sid}
        results.append(result)
        if not condition(step, ctx):
            result["state"] = "skipped"
            continue
        if "uses" in step:
            result.update(state="uses", uses=step["uses"],
                          **{"with": {k: interpolate(v, ctx) for k, v in (step.get("with") or {}).items()}})
            continue
        if step.get("shell") != "bash":
            raise YamlError(f"step {sid}: only shell: bash is supported")
        script = os.path.join(temp, f"{sid}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(step["run"])
        out_file, path_file = os.path.join(temp, f"{sid}.out"), os.path.join(temp, f"{sid}.path")
        open(out_file, "w").close()
        open(path_file, "w").close()
        env = dict(os.environ, PATH=path, GITHUB_ACTION_PATH=action_dir, GITHUB_WORKSPACE=workdir,
                   GITHUB_OUTPUT=out_file, GITHUB_PATH=path_file, GITHUB_STEP_SUMMARY=summary,
                   RUNNER_TEMP=temp, RUNNER_OS="Linux")
        env.update({k: interpolate(str(v), ctx) for k, v in (step.get("env") or {}).items()})
        cwd = os.path.join(workdir, interpolate(step.get("working-directory", "."), ctx))
        sys.stdout.flush()
        rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                            cwd=cwd, env=env).returncode
        outputs = read_outputs(out_file)
        ctx.steps[sid] = outputs
        with open(path_file, encoding="utf-8") as f:
            for p in f.read().split():
                path = p + os.pathsep + path
        result.update(state="ran", exit=rc, outputs=outputs)
        if rc != 0:
            ctx.failed = True
            status = status or rc

    outputs = {k: interpolate(v.get("value", ""), ctx) for k, v in (action.get("outputs") or {}).items()}
    with open(report, "w", encoding="utf-8") as f:
        json.dump({"steps": results, "outputs": outputs, "failed": ctx.failed}, f, indent=1)
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--parse":
        # composite.py --parse action.yml: the parsed document as JSON (for cross-checks).
        with open(sys.argv[2], encoding="utf-8") as f:
            print(json.dumps(Yaml(f.read()).document(), indent=1, sort_keys=True))
        sys.exit(0)
    try:
        sys.exit(main(sys.argv[1:]))
    except YamlError as e:
        print(f"composite.py: {e}", file=sys.stderr)
        sys.exit(99)
