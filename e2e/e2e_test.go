// Package e2e tests prodlint where users run it: as a pre-commit hook, as the
// GitHub Action's script, in the example workflows (actionlint and the action
// metadata schema) and in the release configuration (goreleaser check).
//
// The tests need external tools (git, pre-commit, jq, shellcheck, actionlint,
// action-validator, goreleaser); scripts/install-test-tools.sh installs them.
// A missing tool skips its test with a message, except under CI=true, where
// it fails the test.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// sharedDir holds what the tests build once (the prodlint binary); TestMain
// removes it.
var sharedDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "prodlint-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the root of the prodlint module (the folder above e2e/).
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod above the e2e folder: %v", err)
	}
	return root
}

// inCI reports whether the tests run in CI, where a missing tool fails.
func inCI() bool { return os.Getenv("CI") == "true" }

// missingTool skips the test, or fails it under CI=true.
func missingTool(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...) + " (scripts/install-test-tools.sh installs it)"
	if inCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// toolsDir is where scripts/install-test-tools.sh installs tools:
// $PRODLINT_TOOLS, else .tools at the repository root.
func toolsDir(t testing.TB) string {
	if d := os.Getenv("PRODLINT_TOOLS"); d != "" {
		return d
	}
	return filepath.Join(repoRoot(t), ".tools")
}

// lookTool finds a tool in toolsDir()/bin (where install-test-tools.sh puts
// Go-built tools) or on PATH; it skips or fails the test when the tool is
// missing.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	local := filepath.Join(toolsDir(t), "bin", name)
	if runtime.GOOS == "windows" {
		local += ".exe"
	}
	if st, err := os.Stat(local); err == nil && !st.IsDir() {
		return local
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	missingTool(t, "%s is not installed", name)
	return ""
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// prodlintBin builds prodlint from this module once and returns its path.
func prodlintBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		binPath = filepath.Join(sharedDir, "prodlint")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/prodlint")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/prodlint: %v\n%s", err, out)
			return
		}
		if testing.Verbose() {
			fmt.Printf("e2e: built prodlint in %v\n", time.Since(start).Round(100*time.Millisecond))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// result is what a command did.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %v\n--- stdout\n%s--- stderr\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// run runs a command in dir with env added to the environment. A command
// that cannot start fails the test; a non-zero exit is returned.
func run(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// must runs a command that has to succeed.
func must(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	r := run(t, dir, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), r)
	}
	return r
}

// gitEnv makes git commits independent of the user's configuration.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=prodlint-e2e", "GIT_AUTHOR_EMAIL=e2e@example.com",
	"GIT_COMMITTER_NAME=prodlint-e2e", "GIT_COMMITTER_EMAIL=e2e@example.com",
	"GIT_CONFIG_NOSYSTEM=1",
}

// needGit skips or fails the test when git is missing.
func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		missingTool(t, "git is not installed")
	}
}

// git runs git in dir and returns its trimmed standard output.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(must(t, dir, gitEnv, "git", args...).stdout)
}

// newGitRepo makes a repository in a new temporary folder with files
// committed as "base" on branch main, and returns its folder.
func newGitRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	writeFiles(t, dir, files)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--no-verify", "-m", "base")
	return dir
}

// writeFiles writes files below dir; an empty body removes the file.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if body == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// logTime reports a measured duration in the test log (go test -v shows it).
func logTime(t testing.TB, what string, d time.Duration) {
	t.Helper()
	t.Logf("time: %s: %v", what, d.Round(10*time.Millisecond))
}
