package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The action's test repository: "base" has a clean-ish deployment in deploy/
// (deploymentFixed, shared with the pre-commit test) and one with findings in
// legacy/; the pull request pins deploy/'s image to latest and adds a pod
// with hostNetwork.
var actionBase = map[string]string{
	"README.md":         "# app\n",
	"deploy/app.yaml":   deploymentFixed,
	"legacy/agent.yaml": strings.ReplaceAll(strings.ReplaceAll(deploymentFixed, "web", "agent"), "1.2.3", "latest"),
}

var actionChange = map[string]string{
	"deploy/app.yaml": strings.ReplaceAll(deploymentFixed, "1.2.3", "latest"),
	"deploy/pod.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  hostNetwork: true
  containers:
    - name: debug
      image: ghcr.io/example/debug:1.0.0
`,
}

// actionRepo makes the test repository and returns its folder and the base
// commit.
func actionRepo(t *testing.T) (dir, base string) {
	t.Helper()
	dir = newGitRepo(t, actionBase)
	base = git(t, dir, "rev-parse", "HEAD")
	git(t, dir, "checkout", "-q", "-b", "feature")
	writeFiles(t, dir, actionChange)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--no-verify", "-m", "change")
	return dir, base
}

// actionRun is one run of scripts/action/run.sh.
type actionRun struct {
	result
	outputs map[string]string
	summary string
}

// runAction runs scripts/action/run.sh in dir as the action's lint step
// would, with a fake runner environment: event is the event payload (nil:
// none), inputs are INPUT_* variables and other environment variables.
func runAction(t *testing.T, dir string, event map[string]any, env map[string]string) actionRun {
	t.Helper()
	lookTool(t, "jq")
	tmp := t.TempDir()
	runnerTemp := filepath.Join(tmp, "runner-temp")
	if err := os.MkdirAll(runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PRODLINT_BIN":        prodlintBin(t),
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary.md"),
		"RUNNER_TEMP":         runnerTemp,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_REPOSITORY":   "example/app",
		"GITHUB_SHA":          "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_EVENT_NAME":   "push",
	}
	if event != nil {
		b, err := json.Marshal(event)
		if err != nil {
			t.Fatal(err)
		}
		vars["GITHUB_EVENT_PATH"] = filepath.Join(tmp, "event.json")
		if err := os.WriteFile(vars["GITHUB_EVENT_PATH"], b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := event["pull_request"]; ok {
			vars["GITHUB_EVENT_NAME"] = "pull_request"
		}
	}
	for k, v := range env {
		vars[k] = v
	}
	for _, f := range []string{vars["GITHUB_OUTPUT"], vars["GITHUB_STEP_SUMMARY"]} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "action", "run.sh"))
	cmd.Dir = dir
	// The runner's own variables must not leak in when the tests run in
	// GitHub Actions.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "INPUT_") && !strings.HasPrefix(kv, "RUNNER_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := actionRun{result: result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		r.code = ee.ExitCode()
	}
	r.outputs = map[string]string{}
	for _, line := range strings.Split(readFile(t, vars["GITHUB_OUTPUT"]), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r.outputs[k] = v
		}
	}
	r.summary = readFile(t, vars["GITHUB_STEP_SUMMARY"])
	return r
}

func (r actionRun) String() string {
	return fmt.Sprintf("%v--- outputs\n%v\n--- summary\n%s", r.result, r.outputs, r.summary)
}

func (r actionRun) intOutput(t *testing.T, name string) int {
	t.Helper()
	n, err := strconv.Atoi(r.outputs[name])
	if err != nil {
		t.Fatalf("output %s=%q is not a number\n%v", name, r.outputs[name], r)
	}
	return n
}

// lintJSON runs prodlint in dir with args and --format json, and returns
// the findings as rule@file:line, new ones only unless all.
func lintJSON(t *testing.T, dir string, all bool, args ...string) []string {
	t.Helper()
	args = append([]string{"lint", "--format", "json", "--fail-on", "none"}, args...)
	r := run(t, dir, nil, prodlintBin(t), args...)
	if r.code != 0 {
		t.Fatalf("prodlint %s: %v", strings.Join(args, " "), r)
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule"`
			State    string `json:"baselineState"`
			Location struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("prodlint %s: %v\n%v", strings.Join(args, " "), err, r)
	}
	var out []string
	for _, f := range rep.Findings {
		if all || f.State != "unchanged" {
			out = append(out, fmt.Sprintf("%s@%s:%d", f.Rule, f.Location.File, f.Location.Line))
		}
	}
	slices.Sort(out)
	return out
}

// sarifResults reads a SARIF file: its automationDetails.id and its results
// as rule@file:line.
func sarifResults(t *testing.T, path string) (string, []string) {
	t.Helper()
	var log struct {
		Runs []struct {
			AutomationDetails struct {
				ID string `json:"id"`
			} `json:"automationDetails"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &log); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%s: %d runs", path, len(log.Runs))
	}
	var out []string
	for _, r := range log.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		out = append(out, fmt.Sprintf("%s@%s:%d", r.RuleID, pl.ArtifactLocation.URI, pl.Region.StartLine))
	}
	slices.Sort(out)
	return log.Runs[0].AutomationDetails.ID, out
}

func prEvent(base string) map[string]any {
	return map[string]any{"pull_request": map[string]any{"number": 7, "base": map[string]any{"sha": base, "ref": "main"}}}
}

var tableRow = regexp.MustCompile("(?m)^\\| \\[`([^`]+)`\\]\\([^)]*\\) \\| `([^`]+)` \\| (\\w+) \\| .+ \\|$")

// TestActionPullRequest runs the action's script on a pull request with the
// SARIF upload on: SARIF of everything, summary and outputs of the change.
func TestActionPullRequest(t *testing.T) {
	needGit(t)
	dir, base := actionRepo(t)
	r := runAction(t, dir, prEvent(base), map[string]string{"INPUT_UPLOAD_SARIF": "true"})
	logTime(t, "action script on a pull request (3 files, upload on)", r.took)
	if r.code != 0 {
		t.Fatalf("run.sh failed: %v", r)
	}
	want := lintJSON(t, dir, false, "--base", base)
	everything := lintJSON(t, dir, true)
	if len(want) == 0 || len(everything) <= len(want) {
		t.Fatalf("fixture: %d new of %d findings", len(want), len(everything))
	}
	if got := r.intOutput(t, "new-findings"); got != len(want) {
		t.Errorf("new-findings=%d, want %d\n%v", got, len(want), r)
	}
	if got := r.intOutput(t, "findings"); got != len(everything) {
		t.Errorf("findings=%d, want %d (the whole lint)\n%v", got, len(everything), r)
	}
	if r.outputs["exit-code"] != "1" || r.outputs["base"] != base || r.outputs["category"] != "prodlint" {
		t.Errorf("outputs %v: want exit-code 1, base %s, category prodlint", r.outputs, base)
	}

	// SARIF: the whole repository, so that code scanning's comparison with
	// the base branch's analysis sees the unchanged alerts as still open.
	sarif := r.outputs["sarif-file"]
	if !filepath.IsAbs(sarif) || filepath.Base(sarif) != "prodlint.sarif" {
		t.Fatalf("sarif-file=%q", sarif)
	}
	id, results := sarifResults(t, sarif)
	if id != "prodlint/" {
		t.Errorf("automationDetails.id %q, want prodlint/", id)
	}
	if !slices.Equal(results, everything) {
		t.Errorf("SARIF results\n%q\nwant the whole lint\n%q", results, everything)
	}

	// Summary: the new findings, errors first, with links; nothing of legacy/.
	for _, s := range []string{
		"### ❌ prodlint", "new findings** since `" + base[:12] + "`", "| Location | Rule | Severity | Message |",
		"pre-existing in the changed targets are not listed",
		"uploaded to code scanning (category `prodlint`)",
		"https://github.com/example/app/blob/0123456789abcdef0123456789abcdef01234567/deploy/pod.yaml#L",
		"Deployment shop/web, container web: image \"ghcr.io/example/web:latest\"",
	} {
		if !strings.Contains(r.summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, r.summary)
		}
	}
	rows := tableRow.FindAllStringSubmatch(r.summary, -1)
	if len(rows) != len(want) {
		t.Errorf("summary has %d rows, want %d:\n%s", len(rows), len(want), r.summary)
	}
	var got []string
	rank := map[string]int{"error": 0, "warning": 1, "note": 2}
	for i, row := range rows {
		got = append(got, row[2]+"@"+row[1])
		if i > 0 && rank[row[3]] < rank[rows[i-1][3]] {
			t.Errorf("row %d (%s) after a %s", i, row[3], rows[i-1][3])
		}
		if strings.HasPrefix(row[1], "legacy/") {
			t.Errorf("summary lists a pre-existing finding: %s", row[0])
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("summary rows\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(got[0]+strings.Join(got, " "), "host-network@deploy/pod.yaml") {
		t.Errorf("the hostNetwork finding is missing: %q", got)
	}
	// Code scanning shows the alerts: no annotations in the log.
	if strings.Contains(r.stdout, "::warning file=") || strings.Contains(r.stdout, "::error file=") {
		t.Errorf("annotations in the log although the SARIF upload is on:\n%s", r.stdout)
	}
}

// TestActionAnnotations: without the upload the log has annotations of the
// new findings, and no SARIF is written unless asked for.
func TestActionAnnotations(t *testing.T) {
	needGit(t)
	dir, base := actionRepo(t)
	r := runAction(t, dir, prEvent(base), nil)
	if r.code != 0 || r.outputs["exit-code"] != "1" {
		t.Fatalf("want exit-code 1: %v", r)
	}
	if r.outputs["sarif-file"] != "" {
		t.Errorf("sarif-file=%q without upload or sarif-file", r.outputs["sarif-file"])
	}
	for _, s := range []string{
		"::warning file=deploy/app.yaml,line=18,", "title=prodlint image-latest-tag::",
		"::error file=deploy/pod.yaml,", "title=prodlint host-network::",
	} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("log lacks %q:\n%s", s, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "file=legacy/") {
		t.Errorf("annotation of a pre-existing finding:\n%s", r.stdout)
	}
	// Without SARIF, findings counts the linted targets' findings.
	if got, want := r.intOutput(t, "findings"), len(lintJSON(t, dir, true, "--base", base, "--all-findings")); got != want {
		t.Errorf("findings=%d, want %d", got, want)
	}

	// An explicit sarif-file, relative to the working directory, and
	// fail-on none.
	r = runAction(t, dir, prEvent(base), map[string]string{"INPUT_SARIF_FILE": "out/prodlint.sarif", "INPUT_FAIL_ON": "none", "INPUT_FORMAT": "text"})
	if r.code != 0 || r.outputs["exit-code"] != "0" || !strings.Contains(r.summary, "### ✅ prodlint") {
		t.Errorf("fail-on none: %v", r)
	}
	if r.outputs["sarif-file"] != filepath.Join(dir, "out", "prodlint.sarif") {
		t.Errorf("sarif-file=%q", r.outputs["sarif-file"])
	} else if _, err := os.Stat(r.outputs["sarif-file"]); err != nil {
		t.Error(err)
	}
	if !strings.Contains(r.stdout, "deploy/pod.yaml:7:") || strings.Contains(r.stdout, "::") {
		t.Errorf("format text: want the text report in the log:\n%s", r.stdout)
	}
}

// TestActionPush: without a pull request in the event, everything is linted.
func TestActionPush(t *testing.T) {
	needGit(t)
	dir, _ := actionRepo(t)
	r := runAction(t, dir, map[string]any{"ref": "refs/heads/main", "before": "0000000000000000000000000000000000000000"},
		map[string]string{"INPUT_UPLOAD_SARIF": "true", "PRODLINT_SUMMARY_MAX": "3"})
	all := lintJSON(t, dir, true)
	if r.code != 0 || r.outputs["base"] != "" || r.intOutput(t, "findings") != len(all) || r.intOutput(t, "new-findings") != len(all) {
		t.Fatalf("push: want every one of %d findings, no base: %v", len(all), r)
	}
	if !strings.Contains(r.summary, fmt.Sprintf("**%d findings** (", len(all))) ||
		!strings.Contains(r.summary, fmt.Sprintf("… and %d more; `prodlint lint` lists them all.", len(all)-3)) {
		t.Errorf("summary:\n%s", r.summary)
	}
	if n := len(tableRow.FindAllString(r.summary, -1)); n != 3 {
		t.Errorf("summary has %d rows, want 3 (PRODLINT_SUMMARY_MAX)", n)
	}
	// base: none lints everything on a pull request too.
	_, base := actionRepo(t)
	r = runAction(t, dir, prEvent(base), map[string]string{"INPUT_BASE": "none"})
	if r.outputs["base"] != "" || r.intOutput(t, "new-findings") != len(all) {
		t.Errorf("base none: %v", r)
	}
}

// TestActionNothingChanged: a pull request that touches no target passes.
func TestActionNothingChanged(t *testing.T) {
	needGit(t)
	dir := newGitRepo(t, actionBase)
	base := git(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"README.md": "# app\n\nmore\n"})
	git(t, dir, "commit", "-q", "-am", "docs")
	r := runAction(t, dir, prEvent(base), nil)
	if r.code != 0 || r.outputs["exit-code"] != "0" || r.outputs["new-findings"] != "0" ||
		!strings.Contains(r.summary, "touches no Helm chart, kustomization or Kubernetes manifest") {
		t.Errorf("want a pass that says nothing was linted: %v", r)
	}
}

// TestActionShallowClone: a base in a shallow clone asks for fetch-depth 0.
func TestActionShallowClone(t *testing.T) {
	needGit(t)
	dir, base := actionRepo(t)
	shallow := filepath.Join(t.TempDir(), "shallow")
	git(t, dir, "clone", "-q", "--depth", "1", "--branch", "feature", "file://"+dir, shallow)
	if git(t, shallow, "rev-parse", "--is-shallow-repository") != "true" {
		t.Fatal("the clone is not shallow")
	}
	r := runAction(t, shallow, prEvent(base), nil)
	if r.code != 2 || !strings.Contains(r.stdout, "::error title=prodlint::") ||
		!strings.Contains(r.stdout, "use actions/checkout with fetch-depth: 0") {
		t.Errorf("shallow clone: want exit 2 and the fetch-depth message: %v", r)
	}
	// A base that is not in a full clone gets the same advice.
	r = runAction(t, dir, prEvent("1111111111111111111111111111111111111111"), nil)
	if r.code != 2 || !strings.Contains(r.stdout, "is not in the clone: use actions/checkout with fetch-depth: 0") {
		t.Errorf("unknown base: %v", r)
	}
	// Without a base, a shallow clone is fine.
	r = runAction(t, shallow, nil, nil)
	if r.code != 0 || r.outputs["exit-code"] != "1" {
		t.Errorf("shallow clone without a base: %v", r)
	}
}

// TestActionShards: each shard has its own SARIF category, and the shards
// together find what one job finds.
func TestActionShards(t *testing.T) {
	needGit(t)
	dir, _ := actionRepo(t)
	if !strings.Contains(run(t, dir, nil, prodlintBin(t), "lint", "--help").stderr, "--shard") {
		r := runAction(t, dir, nil, map[string]string{"INPUT_SHARD": "1/2"})
		if r.code != 2 || !strings.Contains(r.stdout, "has no --shard flag") {
			t.Errorf("shard without --shard: %v", r)
		}
		t.Skip("this prodlint has no --shard flag")
	}
	all := lintJSON(t, dir, true)
	var union []string
	for i := 1; i <= 2; i++ {
		r := runAction(t, dir, nil, map[string]string{"INPUT_SHARD": fmt.Sprintf("%d/2", i), "INPUT_UPLOAD_SARIF": "true"})
		cat := fmt.Sprintf("prodlint/shard-%d-of-2", i)
		if r.code != 0 || r.outputs["category"] != cat {
			t.Fatalf("shard %d/2: want category %s: %v", i, cat, r)
		}
		if filepath.Base(r.outputs["sarif-file"]) != fmt.Sprintf("prodlint-shard-%d-of-2.sarif", i) {
			t.Errorf("shard %d/2: sarif-file %q", i, r.outputs["sarif-file"])
		}
		id, results := sarifResults(t, r.outputs["sarif-file"])
		if id != cat+"/" {
			t.Errorf("shard %d/2: automationDetails.id %q", i, id)
		}
		if !strings.Contains(r.summary, fmt.Sprintf("prodlint (shard %d/2)", i)) {
			t.Errorf("shard %d/2: summary title:\n%s", i, r.summary)
		}
		union = append(union, results...)
	}
	slices.Sort(union)
	if !slices.Equal(union, all) {
		t.Errorf("shards found\n%q\none job finds\n%q", union, all)
	}

	// On a pull request the shards split the new findings; a shard that the
	// change does not touch passes.
	dir, base := actionRepo(t)
	want := len(lintJSON(t, dir, false, "--base", base))
	sum := 0
	for i := 1; i <= 2; i++ {
		r := runAction(t, dir, prEvent(base), map[string]string{"INPUT_SHARD": fmt.Sprintf("%d/2", i)})
		if r.code != 0 {
			t.Fatalf("shard %d/2 of a pull request: %v", i, r)
		}
		sum += r.intOutput(t, "new-findings")
	}
	if sum != want {
		t.Errorf("the shards of a pull request have %d new findings, one job %d", sum, want)
	}
}

// TestActionBadInputs: input mistakes stop with exit 2 and a message.
func TestActionBadInputs(t *testing.T) {
	needGit(t)
	dir, _ := actionRepo(t)
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"INPUT_SHARD": "3/2"}, `shard "3/2": use I/N`},
		{map[string]string{"INPUT_SHARD": "one"}, `shard "one": use I/N`},
		{map[string]string{"INPUT_UPLOAD_SARIF": "yes"}, `upload-sarif "yes": use true or false`},
		{map[string]string{"INPUT_FORMAT": "xml"}, `format "xml"`},
		{map[string]string{"INPUT_FAIL_ON": "fatal"}, "usage error"},
		{map[string]string{"INPUT_PATH": "nowhere"}, "usage error"},
		// Every line of args reaches prodlint.
		{map[string]string{"INPUT_ARGS": "--jobs 1\n--no-such-flag"}, "unknown flag: --no-such-flag"},
		{map[string]string{"PRODLINT_BIN": filepath.Join(dir, "no-such-prodlint")}, "not found"},
	} {
		r := runAction(t, dir, nil, c.env)
		if r.code != 2 || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("%v: want exit 2 and %q: %v", c.env, c.want, r)
		}
	}
}

// TestActionInstall checks install.sh with a stand-in go command that
// records its arguments (building prodlint for real with -trimpath would
// recompile everything).
func TestActionInstall(t *testing.T) {
	tmp := t.TempDir()
	fakeBin := filepath.Join(tmp, "bin")
	writeFiles(t, fakeBin, map[string]string{"go": `#!/usr/bin/env bash
echo "go $*" >>"$FAKE_GO_LOG"
out=
while [ $# -gt 0 ]; do
	if [ "$1" = -o ]; then out=$2; fi
	shift
done
[ -n "$out" ] || out=$GOBIN/prodlint
printf '#!/bin/sh\necho "prodlint fake (commit unknown, built unknown)"\n' >"$out"
chmod +x "$out"
`})
	if err := os.Chmod(filepath.Join(fakeBin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(repoRoot(t), "scripts", "action", "install.sh")
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"ACTION_REF=v1.4.0"}, "go build -trimpath -buildvcs=false -ldflags=-s -w -X main.version=v1.4.0 -o "},
		{[]string{"INPUT_VERSION=v1.3.0"}, "go install -trimpath -ldflags=-s -w github.com/prodlint/prodlint/cmd/prodlint@v1.3.0"},
	} {
		runnerTemp := t.TempDir()
		log, output := filepath.Join(tmp, "go.log"), filepath.Join(tmp, "output")
		os.Remove(log)
		os.WriteFile(output, nil, 0o644)
		env := append([]string{
			"PATH=" + fakeBin + string(os.PathListSeparator) + os.Getenv("PATH"),
			"FAKE_GO_LOG=" + log, "GITHUB_OUTPUT=" + output, "RUNNER_TEMP=" + runnerTemp,
			"GITHUB_ACTION_PATH=" + repoRoot(t), "RUNNER_OS=Linux", "INPUT_VERSION=", "ACTION_REF=",
		}, c.env...)
		r := must(t, tmp, env, "bash", script)
		if got := readFile(t, log); !strings.Contains(got, c.want) {
			t.Errorf("%v: go was run as\n%s\nwant %q", c.env, got, c.want)
		}
		bin := filepath.Join(runnerTemp, "prodlint-action", "bin", "prodlint")
		if got := strings.TrimSpace(readFile(t, output)); got != "bin="+bin {
			t.Errorf("%v: output %q, want bin=%s", c.env, got, bin)
		}
		if !strings.Contains(r.stdout, "prodlint fake") {
			t.Errorf("%v: the log does not show the version:\n%v", c.env, r)
		}
	}
}

// TestActionScriptsShellcheck lints the action's scripts and the tool
// installer with shellcheck.
func TestActionScriptsShellcheck(t *testing.T) {
	sc := lookTool(t, "shellcheck")
	root := repoRoot(t)
	scripts, _ := filepath.Glob(filepath.Join(root, "scripts", "action", "*.sh"))
	scripts = append(scripts, filepath.Join(root, "scripts", "install-test-tools.sh"))
	if len(scripts) < 3 {
		t.Fatalf("scripts: %q", scripts)
	}
	r := run(t, root, nil, sc, append([]string{"--shell=bash", "--severity=style"}, scripts...)...)
	if r.code != 0 {
		t.Errorf("shellcheck: %v", r)
	}
}
