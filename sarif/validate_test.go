package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// validator is the script that runs Microsoft's SARIF Multitool with the
// SARIF and GitHub rules and fails on any error or warning.
var validator = filepath.Join("..", "scripts", "sarif-validate.sh")

// needMultitool skips the test when the SARIF Multitool is not installed,
// and fails it instead in CI (CI=true), where a skip would hide that nothing
// was validated.
func needMultitool(t *testing.T) {
	t.Helper()
	miss := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...) + "; install it with scripts/sarif-validate.sh --install"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	for _, tool := range []string{"bash", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			miss("the SARIF Multitool needs %s: %v", tool, err)
		}
	}
	if err := exec.Command("bash", validator, "--installed").Run(); err != nil {
		miss("the SARIF Multitool is not installed (%v)", err)
	}
}

// validate runs the validator on files and returns its output and exit
// status.
func validate(t *testing.T, files ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{validator}, files...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("running %s: %v\n%s", validator, err, out)
	return "", 0
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// registryResult has one finding for each registered rule, so that the
// metadata of every real rule goes through the validator.
func registryResult() *lint.Result {
	res := &lint.Result{}
	for i, r := range lint.Rules() {
		res.Findings = append(res.Findings, lint.Finding{
			Rule: r.ID, Severity: r.Severity, Message: "is a test finding",
			Target: "charts/web", TargetKind: render.Helm, Variants: []string{""},
			Object:      lint.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "web", Name: "web"},
			Path:        "spec",
			Location:    render.Location{File: "charts/web/templates/deployment.yaml", Line: i + 1, Col: 1, EndLine: i + 1, EndCol: 5},
			Fingerprint: fmt.Sprintf("%032x", i),
		})
	}
	return res
}

// TestMultitoolAccepts validates logs of several shapes with the SARIF
// Multitool: they must have no error and no warning.
func TestMultitoolAccepts(t *testing.T) {
	needMultitool(t)
	dir := t.TempDir()

	clean := testResult()
	clean.Errors, clean.Notes = nil, nil

	// A few results over a lowered limit, for the dropped-results warning.
	defer func(n int) { resultLimit = n }(resultLimit)
	resultLimit = 3
	var truncated bytes.Buffer
	if err := Write(&truncated, manyFindings(5), Options{Version: "2.0.0", Rules: testRules()}); err != nil {
		t.Fatal(err)
	}

	files := []string{
		writeFile(t, dir, "basic.sarif", write(t, testResult(), testOptions())),
		writeFile(t, dir, "defaults.sarif", write(t, clean, Options{Rules: testRules()})),
		writeFile(t, dir, "empty.sarif", write(t, &lint.Result{}, Options{Version: "dev", Rules: testRules()})),
		writeFile(t, dir, "registry.sarif", write(t, registryResult(), Options{Version: "1.0.0"})),
		writeFile(t, dir, "truncated.sarif", truncated.Bytes()),
	}
	out, code := validate(t, files...)
	if code != 0 || !strings.Contains(out, "sarif-validate: 0 error(s), 0 warning(s)") {
		t.Fatalf("the SARIF Multitool rejects prodlint's output (exit status %d):\n%s", code, out)
	}
	t.Logf("%d files validated: %d rules registered", len(files), len(lint.Rules()))
}

// TestMultitoolRejects makes sure that the validator wiring cannot pass
// silently: logs with known defects must fail, each with the expected rule.
func TestMultitoolRejects(t *testing.T) {
	needMultitool(t)
	good := write(t, testResult(), testOptions())
	for _, c := range []struct {
		name, rule string
		mutate     func(run map[string]any)
	}{
		// GitHub requires help on every rule.
		{"rule-without-help", "GH2012", func(run map[string]any) {
			delete(rules(run)[0].(map[string]any), "help")
		}},
		// GitHub requires results, even empty.
		{"run-without-results", "GH1014", func(run map[string]any) { delete(run, "results") }},
		// Schema: lines start at 1.
		{"line-zero", "JSON1008", func(run map[string]any) {
			physical(run)["region"].(map[string]any)["startLine"] = 0
		}},
		// A warning, not an error: a version that is not numeric.
		{"non-numeric-version", "SARIF2005", func(run map[string]any) {
			run["tool"].(map[string]any)["driver"].(map[string]any)["version"] = "dev"
		}},
		// The explicit defaults of the SARIF library draw warnings.
		{"sentinel-index", "SARIF2004", func(run map[string]any) {
			physical(run)["artifactLocation"].(map[string]any)["index"] = -1
		}},
		{"not-json", "JSON0001", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := []byte(`{"version": "2.1.0", "runs": [`)
			if c.mutate != nil {
				var doc map[string]any
				if err := json.Unmarshal(good, &doc); err != nil {
					t.Fatal(err)
				}
				c.mutate(doc["runs"].([]any)[0].(map[string]any))
				var err error
				if b, err = json.MarshalIndent(doc, "", "  "); err != nil {
					t.Fatal(err)
				}
			}
			out, code := validate(t, writeFile(t, t.TempDir(), c.name+".sarif", b))
			if code != 1 || !strings.Contains(out, c.rule) {
				t.Fatalf("want exit status 1 with %s, got %d:\n%s", c.rule, code, out)
			}
		})
	}
}

// rules returns the rules of the run.
func rules(run map[string]any) []any {
	return run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
}

// physical returns the physical location of the first result.
func physical(run map[string]any) map[string]any {
	loc := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)
}
