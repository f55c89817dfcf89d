#!/bin/sh
# Run the original Click's regression tests (its test/ folder and its
# `clicktest` harness) against clickvm:
#
#   sh scripts/click-tests.sh CLICK_SRC [--engine host|native] [-j N] [-t SECONDS] [TEST...]
#
# CLICK_SRC is a Click source tree (github.com/kohler/click); nothing of it is
# copied. Each TEST is a folder or a .clicktest file under CLICK_SRC/test
# (default: the folders clickvm aims at, plus the lexer tests of tools/).
#
# The tests call Click's programs by name, so a scratch folder first on PATH
# holds wrappers with those names that run clickvm instead:
#   click            clickvm run --engine ENGINE ...
#   click-flatten    clickvm flatten ...
#   click-buildtool  only `provides NAME...`: true when clickvm has every
#                    named element class (or the feature `userlevel`)
# Tests that need another Click program (click-align, click-combine, ...) fail
# with "command not found"; tests whose %require fails are skipped.
#
# Prints clicktest's own output, then one line per test (PASS, FAIL, SKIP)
# and the counts. The exit status is clicktest's.
set -e
repo=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "usage: sh scripts/click-tests.sh CLICK_SRC [--engine host|native] [-j N] [-t SECONDS] [TEST...]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
src=$(cd "$1" && pwd) || usage
shift
[ -x "$src/test/clicktest" ] || [ -f "$src/test/clicktest" ] || { echo "click-tests: $src/test/clicktest not found" >&2; exit 2; }
engine=host
jobs=2
timeout=""
while [ $# -gt 0 ]; do
  case $1 in
    --engine) [ $# -ge 2 ] || usage; engine=$2; shift 2;;
    --engine=*) engine=${1#--engine=}; shift;;
    -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2;;
    -j*) jobs=${1#-j}; shift;;
    -t) [ $# -ge 2 ] || usage; timeout=$2; shift 2;;
    --) shift; break;;
    -*) usage;;
    *) break;;
  esac
done
case $engine in host|native) ;; *) usage;; esac
# Each native run compiles C before it starts: allow more than clicktest's 45 s.
[ -n "$timeout" ] || { [ $engine = native ] && timeout=180 || timeout=45; }
[ -f "$repo/dist/cli/main.js" ] || { echo "click-tests: clickvm is not built; run 'npm run build' first" >&2; exit 2; }

tests=""
if [ $# -eq 0 ]; then
  for d in standard ip ethernet icmp IPRewriter tcpudp compound handlers analysis; do tests="$tests $src/test/$d"; done
  for f in "$src"/test/tools/lexer-*.clicktest; do tests="$tests $f"; done
else
  for t in "$@"; do
    case $t in /*) tests="$tests $t";; *) tests="$tests $src/test/$t";; esac
  done
fi

# Plain node for the wrappers: a test runner's loaders (tap puts them in
# NODE_OPTIONS) would slow every start, and some tests run click under
# `ulimit -t 1`.
unset NODE_OPTIONS
work=$(mktemp -d "${TMPDIR:-/tmp}/click-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
bin=$work/bin
mkdir "$bin"

node=$(command -v node)
cli="$repo/bin/clickvm.js"
cat >"$bin/click" <<EOF
#!/bin/sh
exec "$node" "$cli" run --click-diagnostics --engine $engine "\$@"
EOF
cat >"$bin/click-flatten" <<EOF
#!/bin/sh
exec "$node" "$cli" flatten --click-diagnostics "\$@"
EOF
# The element classes clickvm has, one per line, for click-buildtool provides.
"$node" --input-type=module -e "
  const { registry } = await import('$repo/dist/elements/registry.js');
  process.stdout.write([...registry.keys(), 'userlevel'].join('\n') + '\n');
" >"$work/provides"
cat >"$bin/click-buildtool" <<EOF
#!/bin/sh
# clickvm's stand-in for Click's click-buildtool: only 'provides'.
[ "\$1" = provides ] || { echo "click-buildtool: clickvm serves only 'provides'" >&2; exit 1; }
shift
for p in "\$@"; do
  grep -qx -- "\$p" "$work/provides" || exit 1
done
exit 0
EOF
chmod +x "$bin"/*

cd "$work"
status=0
# shellcheck disable=SC2086
nice perl "$src/test/clicktest" -V -j"$jobs" -t "$timeout" -p "$bin" $tests >"$work/out" 2>&1 || status=$?
grep -v ': Running\.\.\.$' "$work/out" || true

echo
echo "== clickvm ($engine engine), per test"
# clicktest -V prints "FILE: Success!" for a pass and "FILE:LINE: requirement
# failure|error ..." for a skip; any other message about a file is a failure.
perl -e '
  my (%state, @order);
  while (<STDIN>) {
    next unless m{^(\S+\.(?:clicktest|testie))(?::\d+)?: (.*)$};
    my ($f, $m) = ($1, $2);
    push @order, $f unless exists $state{$f};
    $state{$f} //= "";
    if ($m eq "Running...") { next }
    elsif ($m eq "Success!") { $state{$f} = "PASS" }
    elsif ($m =~ /^requirement (?:failure|error)/) { $state{$f} = "SKIP" }
    elsif ($state{$f} eq "") { $state{$f} = "FAIL" }
  }
  my %n = (PASS => 0, FAIL => 0, SKIP => 0);
  my $root = shift;
  for my $f (sort @order) {
    my $s = $state{$f} || "FAIL";
    ++$n{$s};
    (my $short = $f) =~ s{^\Q$root\E/test/}{};
    print "$s $short\n";
  }
  print "passed $n{PASS}, failed $n{FAIL}, skipped $n{SKIP}\n";
' "$src" <"$work/out"
exit $status
