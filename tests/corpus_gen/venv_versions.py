"""Print, as Markdown, what each named venv of tests/realenv.py resolved to.

    python tests/corpus_gen/venv_versions.py   # builds any missing venv first

Used to write the "Exact versions" part of tests/corpus/VENVS.md.
"""
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests import realenv  # noqa: E402

KEY = ("langchain", "pydantic", "openai", "anthropic", "groq", "mistralai", "fireworks-ai",
       "boto3", "botocore", "google-auth", "google-cloud-aiplatform", "langsmith", "numpy",
       "pandas", "ipykernel", "packaging")


def main() -> int:
    for name, spec in realenv.SPECS.items():
        venv = realenv.named_venv(name)
        inst = realenv.installed_versions(venv)
        du = subprocess.run(["du", "-sh", "--apparent-size", str(venv)], stdout=subprocess.PIPE,
                            text=True).stdout.split()[0]
        print("### `%s`\n" % name)
        print("- step 1 (resolver): `%s`" % " ".join(spec["requirements"]) if spec["requirements"]
              else "- step 1: nothing (seed packages only)")
        if spec.get("then_no_deps"):
            print("- step 2 (`--no-deps`): `%s`" % " ".join(spec["then_no_deps"]))
        print("- %d distributions, %s on disk (apparent size; files are hard links into uv's cache)"
              % (len(inst), du))
        key = ["%s==%s" % (k, v) for k, v in sorted(inst.items())
               if k.startswith(KEY) or k in KEY]
        print("- key versions: %s" % ", ".join("`%s`" % k for k in key))
        allv = ", ".join("%s==%s" % kv for kv in sorted(inst.items()))
        print("- everything: <details><summary>%d</summary>\n\n  %s\n  </details>\n" % (len(inst), allv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
