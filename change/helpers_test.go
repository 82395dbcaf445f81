package change

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestMain(m *testing.M) {
	// Keep the developer's git configuration (global excludes, identity,
	// hooks) out of the tests.
	home, err := os.MkdirTemp("", "change-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	os.Unsetenv("XDG_CONFIG_HOME")
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	os.RemoveAll(home)
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}

// testRepo is a git repository in a temporary folder, driven with go-git.
type testRepo struct {
	t     testing.TB
	dir   string
	repo  *git.Repository
	wt    *git.Worktree
	clock time.Time
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newRepo(t testing.TB) *testRepo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return wrapRepo(t, dir, repo)
}

func wrapRepo(t testing.TB, dir string, repo *git.Repository) *testRepo {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: repo, wt: wt, clock: epoch}
}

func (r *testRepo) path(p string) string { return filepath.Join(r.dir, filepath.FromSlash(p)) }

func (r *testRepo) write(p, content string) {
	r.t.Helper()
	abs := r.path(p)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) symlink(target, p string) {
	r.t.Helper()
	abs := r.path(p)
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, abs); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(p string) {
	r.t.Helper()
	if err := os.Remove(r.path(p)); err != nil {
		r.t.Fatal(err)
	}
}

// add stages paths (files on disk, or deletions).
func (r *testRepo) add(paths ...string) {
	r.t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(r.path(p)); os.IsNotExist(err) {
			if _, err := r.wt.Remove(p); err != nil {
				r.t.Fatalf("git rm %s: %v", p, err)
			}
			continue
		}
		if err := r.wt.AddWithOptions(&git.AddOptions{Path: p, SkipStatus: true}); err != nil {
			r.t.Fatalf("git add %s: %v", p, err)
		}
	}
}

func (r *testRepo) addAll() {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
}

// stageBlob puts an entry in the index without touching the work tree.
func (r *testRepo) stageBlob(p, content string, mode filemode.FileMode) {
	r.t.Helper()
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write([]byte(content))
	w.Close()
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	idx, err := r.repo.Storer.Index()
	if err != nil {
		r.t.Fatal(err)
	}
	idx.Remove(p)
	e := idx.Add(p)
	e.Hash, e.Mode = h, mode
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		r.t.Fatal(err)
	}
}

// stageGitlink puts a submodule entry in the index.
func (r *testRepo) stageGitlink(p, commit string) {
	r.t.Helper()
	idx, err := r.repo.Storer.Index()
	if err != nil {
		r.t.Fatal(err)
	}
	e := idx.Add(p)
	e.Hash, e.Mode = plumbing.NewHash(commit), filemode.Submodule
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) sig() *object.Signature {
	return &object.Signature{Name: "Test", Email: "test@example.com", When: r.clock}
}

func (r *testRepo) commit(msg string) plumbing.Hash {
	r.t.Helper()
	r.clock = r.clock.Add(time.Minute)
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: r.sig(), Committer: r.sig(), AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// commitAll stages everything and commits.
func (r *testRepo) commitAll(msg string) plumbing.Hash {
	r.t.Helper()
	r.addAll()
	return r.commit(msg)
}

func (r *testRepo) branch(name string, h plumbing.Hash) {
	r.t.Helper()
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), h)
	if err := r.repo.Storer.SetReference(ref); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) checkout(branch string) {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Force: true}); err != nil {
		r.t.Fatalf("checkout %s: %v", branch, err)
	}
}

func (r *testRepo) open() *Repo {
	r.t.Helper()
	return openRepo(r.t, r.dir)
}

// openRepo opens a repository and closes it when the test ends.
func openRepo(t testing.TB, path string) *Repo {
	t.Helper()
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// summary renders a diff compactly: "A path", "M path", "D path", "R old -> new".
func summary(d *Diff) string {
	var out []string
	for _, c := range d.Changes {
		switch c.Action {
		case Added:
			out = append(out, "A "+c.Path)
		case Modified:
			out = append(out, "M "+c.Path)
		case Deleted:
			out = append(out, "D "+c.OldPath)
		case Renamed:
			out = append(out, "R "+c.OldPath+" -> "+c.Path)
		}
	}
	return strings.Join(out, "\n")
}

func wantDiff(t testing.TB, d *Diff, err error, want ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := summary(d); got != strings.Join(want, "\n") {
		t.Fatalf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func wantErr(t testing.TB, err error, kind error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", msg)
	}
	if err.Error() != msg {
		t.Fatalf("error:\n%s\nwant:\n%s", err, msg)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Fatalf("error %q does not match kind %v", err, kind)
	}
}

// needGit returns the git CLI, skipping the test when it is missing
// (failing instead on CI, where it must be present).
func needGit(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the git CLI is required on CI")
		}
		t.Skip("the git CLI is not installed")
	}
	return p
}

// gitCmd prepares a git command with a fixed identity and dates.
func gitCmd(t testing.TB, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(needGit(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
		"GIT_TERMINAL_PROMPT=0")
	return cmd
}

func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitCmd(t, dir, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
