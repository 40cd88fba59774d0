#!/bin/sh
# Check Python >= 3.11 and Java >= 17 before `make setup`; say how to install what is missing.
# Usage: scripts/check-prereqs.sh PYTHON
PYTHON=${1:-python3}
os=$(uname -s)

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  found=$("$PYTHON" --version 2>&1 || echo "not found")
  echo "error: Python >= 3.11 is required (pyspark 4.3 and duckdb 2 need it); $PYTHON: $found" >&2
  if [ "$os" = Darwin ]; then
    echo "  install it with: brew install python@3.12   then: make setup PYTHON=python3.12" >&2
  else
    echo "  install it with: apt-get install python3.11 python3.11-venv   then: make setup PYTHON=python3.11" >&2
  fi
  exit 1
fi

java_major() {
  "$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\)\(\.[0-9][0-9]*\)*.*".*/\1/p' | head -n 1
}
JAVA=java
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && JAVA="$JAVA_HOME/bin/java"
major=$(java_major "$JAVA" 2>/dev/null)
if [ "$major" = "1" ] || [ -z "$major" ] || [ "$major" -lt 17 ]; then
  echo "error: Java >= 17 is required by Spark 4 (found: ${major:-none})" >&2
  if [ "$os" = Darwin ]; then
    echo "  install it with: brew install openjdk@17" >&2
    echo "  then: export JAVA_HOME=\$(brew --prefix openjdk@17)/libexec/openjdk.jdk/Contents/Home" >&2
  else
    echo "  install it with: sudo apt-get install openjdk-17-jre-headless" >&2
  fi
  exit 1
fi
echo "prereqs ok: $("$PYTHON" --version 2>&1), Java $major"
