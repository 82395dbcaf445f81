package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// copyRepo copies a repository from testdata into a temporary folder that is
// its own repository root, so paths in reports are stable wherever the
// tests run.
func copyRepo(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", name))); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/prodlint -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%s); if the change is intended, run go test ./cmd/prodlint -run %s -update", p, firstDiff(got, want), t.Name())
	}
}

// firstDiff describes the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %q\n  want: %q", i+1, gl, wl)
		}
	}
	return "same lines"
}

// TestGolden lints the example repository and the broken one in every
// format and compares with the golden files.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		repo string
		code int
	}{
		{"example-repo", exitFindings},
		{"bad-repo", exitRender},
	} {
		dir := copyRepo(t, tc.repo)
		for _, format := range []string{"text", "json", "sarif", "github"} {
			t.Run(tc.repo+"/"+format, func(t *testing.T) {
				code, out, errs := run(t, "lint", "--format", format, "--kube-version", "1.34", dir)
				if code != tc.code {
					t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errs)
				}
				out = strings.ReplaceAll(out, filepath.ToSlash(dir), "/REPO")
				golden(t, tc.repo+"."+format, []byte(out))
			})
		}
	}
}

// TestExampleFindingsOnRealLines checks that the example repository has
// findings for every kind of target and that each finding is on a real line
// of a file in the repository.
func TestExampleFindingsOnRealLines(t *testing.T) {
	dir := copyRepo(t, "example-repo")
	_, out, _ := run(t, "lint", "--format", "json", dir)
	kinds := checkRealLines(t, dir, out)
	for _, k := range []string{"helm", "kustomize", "plain"} {
		if kinds[k] == 0 {
			t.Errorf("no finding for %s targets", k)
		}
	}
}

// checkRealLines checks that every finding of a JSON report is on a real
// line and column of a file of the repository dir, and counts the findings
// by target kind.
func checkRealLines(t *testing.T, dir, out string) map[string]int {
	t.Helper()
	var doc struct {
		Findings []struct {
			TargetKind string `json:"targetKind"`
			Location   struct {
				File    string `json:"file"`
				Line    int    `json:"line"`
				Col     int    `json:"column"`
				EndLine int    `json:"endLine"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range doc.Findings {
		kinds[f.TargetKind]++
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Location.File)))
		if err != nil {
			t.Errorf("finding in %s: %v", f.Location.File, err)
			continue
		}
		lines := strings.Split(string(b), "\n")
		if l := f.Location; l.Line < 1 || l.Line > len(lines) || l.Col < 1 || l.Col > len(lines[l.Line-1])+1 || l.EndLine < l.Line {
			t.Errorf("finding at %s:%d:%d is not on a real line", l.File, l.Line, l.Col)
		}
	}
	return kinds
}

// TestSARIFMultitool validates the SARIF of the example repository, of
// the broken repository and of the GitOps layouts with Microsoft's SARIF multitool and GitHub's
// ingestion rules. Under CI=true a missing validator fails the test.
func TestSARIFMultitool(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "sarif-validate.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("bash", script, "--installed").Run(); err != nil {
		msg := "the SARIF multitool is not installed; run scripts/install-test-tools.sh"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var files []string
	for _, repo := range []string{"example-repo", "bad-repo"} {
		dir := copyRepo(t, repo)
		f := filepath.Join(t.TempDir(), repo+".sarif")
		run(t, "lint", "--format", "sarif", "--output", f, dir)
		files = append(files, f)
	}
	for name := range gitopsLayouts {
		f := filepath.Join(t.TempDir(), "gitops-"+name+".sarif")
		run(t, "lint", "--format", "sarif", "--output", f, gitopsLayout(t, name))
		files = append(files, f)
	}
	out, err := exec.Command("bash", append([]string{script}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("SARIF multitool: %v\n%s", err, out)
	}
}
