package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Helpers shared by the tests that run the real prodlint binary: the
// hostile tests (network, outside, bounded) and the determinism test.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// prodlintBinary builds the prodlint binary once per test run and returns
// its path. The binary is what users run: main() installs the network
// guard and filters library noise, which Main alone does not.
func prodlintBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the prodlint binary; not with -short")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "prodlint-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "prodlint")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runResult is one run of the binary.
type runResult struct {
	code           int
	stdout, stderr string
	wall           time.Duration
	cpu            time.Duration // user + system
	maxRSS         int64         // bytes, the peak resident set of the process
}

// runBinary runs the binary with args in dir and the given extra
// environment, under a hard deadline; prefix (like "unshare --net") runs it
// through another command.
func runBinary(t *testing.T, dir string, env []string, prefix []string, args ...string) runResult {
	t.Helper()
	bin := prodlintBinary(t)
	argv := append(append(append([]string{}, prefix...), bin), args...)
	// GNU time measures the peak memory of prodlint alone: the kernel's
	// figure for a direct child would include the test process's own
	// memory at the time of the fork.
	timeFile := filepath.Join(t.TempDir(), "time")
	gnuTime, terr := exec.LookPath("/usr/bin/time")
	if terr == nil {
		argv = append([]string{gnuTime, "-o", timeFile, "-f", "%M %e %U %S"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v: still running after 2 minutes; killed", argv)
	}
	r := runResult{stdout: out.String(), stderr: errb.String(), wall: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("%v: %v", argv, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && terr != nil {
		r.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux; an upper bound (see above)
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if terr == nil {
		b, err := os.ReadFile(timeFile)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		var kb int64
		var wall, user, sys float64
		if _, serr := fmt.Sscanf(lines[len(lines)-1], "%d %f %f %f", &kb, &wall, &user, &sys); err != nil || serr != nil {
			t.Fatalf("reading /usr/bin/time's figures %q: %v %v", b, err, serr)
		}
		r.maxRSS = kb * 1024
		r.cpu = time.Duration((user + sys) * float64(time.Second))
	}
	return r
}

// copyTreeLinks copies the folder src to dst, keeping symlinks as symlinks.
func copyTreeLinks(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hostileRepo copies testdata/hostile into a new repository (a folder with
// .git) and returns its path. Only the listed top folders and files are
// copied when parts are given.
func hostileRepo(t *testing.T, parts ...string) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("..", "..", "testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "repo")
	if len(parts) == 0 {
		copyTreeLinks(t, src, dst)
	}
	for _, p := range parts {
		from, to := filepath.Join(src, filepath.FromSlash(p)), filepath.Join(dst, filepath.FromSlash(p))
		if fi, err := os.Stat(from); err == nil && !fi.IsDir() {
			b, err := os.ReadFile(from)
			if err == nil {
				err = os.WriteFile(to, b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		copyTreeLinks(t, from, to)
	}
	if err := os.MkdirAll(filepath.Join(dst, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}

// ciMode reports whether the tests run in CI (CI=true), where a test that
// cannot run must fail instead of skipping.
func ciMode() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips the test, or fails it in CI.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if ciMode() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// linuxOnly skips on systems without the Linux facilities these tests
// measure with.
func linuxOnly(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("measures with Linux facilities; this is %s", runtime.GOOS)
	}
}

// anyContains reports whether any of the texts contains s.
func anyContains(s string, texts ...string) bool {
	for _, x := range texts {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
