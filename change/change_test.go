package change

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// manifest returns a YAML document of n lines, distinct per name.
func manifest(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n", name)
	for i := range n {
		fmt.Fprintf(&b, "  key%03d: value-%s-%d\n", i, name, i)
	}
	return b.String()
}

// forkedRepo builds main: c1 and, from c1, feature (checked out), then one
// more commit on main that Since("main") must not report.
func forkedRepo(t *testing.T) (*testRepo, plumbing.Hash) {
	r := newRepo(t)
	r.write("a.yaml", manifest("a", 10))
	r.write("b.yaml", manifest("b", 10))
	r.write("del.yaml", manifest("del", 10))
	r.write("old/exact.yaml", manifest("exact", 10))
	r.write("similar.yaml", manifest("similar", 20))
	r.write("charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
	c1 := r.commitAll("c1")
	r.branch("main", c1)
	r.branch("feature", c1)
	r.checkout("feature")

	r.write("a.yaml", manifest("a", 11))
	r.remove("del.yaml")
	r.remove("old/exact.yaml")
	r.write("new/exact.yaml", manifest("exact", 10))
	r.remove("similar.yaml")
	r.write("renamed.yaml", strings.Replace(manifest("similar", 20), "key005", "changed", 1))
	r.write("c.yaml", manifest("c", 3))
	r.add("a.yaml", "del.yaml", "old/exact.yaml", "new/exact.yaml", "similar.yaml", "renamed.yaml", "c.yaml")
	r.commit("feature 1")
	r.write("charts/demo/values.yaml", "replicas: 2\n")
	r.add("charts/demo/values.yaml")
	r.commit("feature 2")

	r.checkout("main")
	r.write("b.yaml", manifest("b", 12))
	r.add("b.yaml")
	r.branch("main", r.commit("main 2"))
	r.checkout("feature")
	return r, c1
}

var forkedWant = []string{
	"M a.yaml",
	"A c.yaml",
	"A charts/demo/values.yaml",
	"D del.yaml",
	"R old/exact.yaml -> new/exact.yaml",
	"R similar.yaml -> renamed.yaml",
}

func TestSinceCommitted(t *testing.T) {
	r, c1 := forkedRepo(t)
	repo := r.open()
	d, err := repo.Since("main")
	wantDiff(t, d, err, forkedWant...)
	if d.Base != c1.String() {
		t.Fatalf("Base = %s, want the merge base %s", d.Base, c1)
	}
	if got, want := d.Paths(), []string{"a.yaml", "c.yaml", "charts/demo/values.yaml", "del.yaml",
		"new/exact.yaml", "old/exact.yaml", "renamed.yaml", "similar.yaml"}; !slices.Equal(got, want) {
		t.Fatalf("Paths() = %q, want %q", got, want)
	}
	for _, c := range d.Changes {
		if c.Action == Renamed && (c.Path == "" || c.OldPath == "" || c.Path == c.OldPath) {
			t.Fatalf("bad rename %+v", c)
		}
	}

	// Other spellings of a base.
	r.repo.CreateTag("v1", c1, nil)
	for _, rev := range []string{c1.String(), c1.String()[:8], "v1", "HEAD~2", "refs/heads/main"} {
		d, err := repo.Since(rev)
		wantDiff(t, d, err, forkedWant...)
	}
	// The base is HEAD itself: nothing committed, nothing changed.
	d, err = repo.Since("HEAD")
	wantDiff(t, d, err)
	d, err = repo.Since("HEAD~1")
	wantDiff(t, d, err, "A charts/demo/values.yaml")
}

func TestSinceRemoteBranch(t *testing.T) {
	r, c1 := forkedRepo(t)
	if _, err := r.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"https://example.com/x.git"}}); err != nil {
		t.Fatal(err)
	}
	main, _ := r.repo.Reference(plumbing.NewBranchReferenceName("main"), true)
	r.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName("origin", "main"), main.Hash()))
	d, err := r.open().Since("origin/main")
	wantDiff(t, d, err, forkedWant...)
	if d.Base != c1.String() {
		t.Fatalf("Base = %s, want %s", d.Base, c1)
	}
}

func TestSinceDetachedHead(t *testing.T) {
	r, c1 := forkedRepo(t)
	head, _ := r.repo.Head()
	if err := r.wt.Checkout(&git.CheckoutOptions{Hash: head.Hash()}); err != nil {
		t.Fatal(err)
	}
	if h, _ := r.repo.Storer.Reference(plumbing.HEAD); h.Type() != plumbing.HashReference {
		t.Fatal("HEAD is not detached")
	}
	d, err := r.open().Since("main")
	wantDiff(t, d, err, forkedWant...)
	if d.Base != c1.String() {
		t.Fatalf("Base = %s, want %s", d.Base, c1)
	}
}

func TestSinceMergeBaseIsAncestor(t *testing.T) {
	// main is an ancestor of HEAD (a pre-push check before rebasing).
	r := newRepo(t)
	r.write("a.yaml", "a: 1\n")
	c1 := r.commitAll("c1")
	r.write("b.yaml", "b: 1\n")
	r.commitAll("c2")
	r.branch("base", c1)
	d, err := r.open().Since("base")
	wantDiff(t, d, err, "A b.yaml")
	if d.Base != c1.String() {
		t.Fatalf("Base = %s, want %s", d.Base, c1)
	}
}

func TestSinceUncommitted(t *testing.T) {
	r, _ := forkedRepo(t)
	r.write(".gitignore", "*.tmp\nbuild/\n!keep.tmp\n")
	r.write("sub/.gitignore", "local.yaml\n")
	r.write("ignored-by-exclude.yaml", "x\n")
	r.commitAll("ignores")
	os.WriteFile(filepath.Join(r.dir, ".git", "info", "exclude"), []byte("ignored-by-exclude.yaml\n"), 0o644)

	r.write("b.yaml", manifest("b", 30))                     // unstaged modification
	r.write("staged.yaml", "staged: true\n")                 // staged addition
	r.add("staged.yaml")                                     //
	r.remove("c.yaml")                                       // deleted on disk only: gone from the work tree
	r.write("untracked.yaml", "u: 1\n")                      // untracked
	r.write("sub/deeper/untracked.yaml", "u: 2\n")           // untracked, nested
	r.write("scratch.tmp", "ignored\n")                      // ignored by pattern
	r.write("keep.tmp", "kept\n")                            // re-included by !keep.tmp
	r.write("build/out.yaml", "ignored\n")                   // ignored folder
	r.write("sub/local.yaml", "ignored\n")                   // ignored by sub/.gitignore
	r.write("sub/deeper/local.yaml", "ignored\n")            // ... at any depth below sub/
	r.write("ignored-by-exclude.yaml", "changed, tracked\n") // tracked: ignore rules do not apply
	r.write("charts/demo/values.yaml", "replicas: 2\n")      // rewritten with the same content
	os.Chtimes(r.path("charts/demo/values.yaml"), time.Now(), time.Now().Add(time.Hour))

	repo := r.open()
	d, err := repo.Since("main")
	wantDiff(t, d, err,
		"A .gitignore",
		"M a.yaml",
		"M b.yaml",
		"A charts/demo/values.yaml",
		"D del.yaml",
		"A ignored-by-exclude.yaml",
		"A keep.tmp",
		"R old/exact.yaml -> new/exact.yaml",
		"R similar.yaml -> renamed.yaml",
		"A staged.yaml",
		"A sub/.gitignore",
		"A sub/deeper/untracked.yaml",
		"A untracked.yaml")
}

func TestSinceUncommittedOnly(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", manifest("a", 5))
	r.write("b.yaml", manifest("b", 5))
	r.write("gone.yaml", manifest("gone", 5))
	r.write("moved.yaml", manifest("moved", 8))
	r.commitAll("c1")

	r.write("a.yaml", manifest("a", 6))
	r.remove("gone.yaml")
	r.remove("moved.yaml")
	r.write("dir/moved.yaml", manifest("moved", 8)) // untracked copy: a rename on disk
	r.write("new.yaml", "n: 1\n")
	r.add("new.yaml")
	r.remove("new.yaml") // staged, then deleted: nothing left on disk

	d, err := r.open().Since("HEAD")
	wantDiff(t, d, err,
		"M a.yaml",
		"R moved.yaml -> dir/moved.yaml",
		"D gone.yaml")
}

func TestSinceRevertedChangeIsNotReported(t *testing.T) {
	r, _ := forkedRepo(t)
	// Bring a.yaml back to its base content without committing, and
	// re-create a deleted file identically.
	r.write("a.yaml", manifest("a", 10))
	r.write("del.yaml", manifest("del", 10))
	d, err := r.open().Since("main")
	wantDiff(t, d, err,
		"A c.yaml",
		"A charts/demo/values.yaml",
		"R old/exact.yaml -> new/exact.yaml",
		"R similar.yaml -> renamed.yaml")
}

// Same-size modifications: the stat check must not hide them.
func TestSinceSameSizeModification(t *testing.T) {
	setup := func(t *testing.T) (*testRepo, time.Time) {
		r := newRepo(t)
		r.write("a.yaml", "replicas: 1\n")
		r.commitAll("c1")
		fi, _ := os.Stat(r.path("a.yaml"))
		return r, fi.ModTime()
	}
	indexPath := func(r *testRepo) string { return filepath.Join(r.dir, ".git", "index") }

	t.Run("new mtime", func(t *testing.T) {
		r, mtime := setup(t)
		r.write("a.yaml", "replicas: 2\n")
		os.Chtimes(r.path("a.yaml"), mtime.Add(time.Second), mtime.Add(time.Second))
		d, err := r.open().Since("HEAD")
		wantDiff(t, d, err, "M a.yaml")
	})
	t.Run("racy: same mtime as the index", func(t *testing.T) {
		// Written in the same timestamp tick as the index: size and
		// mtime match the entry, but the entry is not older than the
		// index, so it is re-hashed, as git does.
		r, mtime := setup(t)
		r.write("a.yaml", "replicas: 2\n")
		os.Chtimes(r.path("a.yaml"), mtime, mtime)
		os.Chtimes(indexPath(r), mtime, mtime)
		d, err := r.open().Since("HEAD")
		wantDiff(t, d, err, "M a.yaml")
	})
	t.Run("mtime forced back on an older entry", func(t *testing.T) {
		// Documented limit, shared with git's stat check: content changed
		// with size kept and mtime restored (touch -r) on an entry older
		// than the index is trusted as unchanged.
		r, mtime := setup(t)
		os.Chtimes(indexPath(r), mtime.Add(time.Hour), mtime.Add(time.Hour))
		r.write("a.yaml", "replicas: 2\n")
		os.Chtimes(r.path("a.yaml"), mtime, mtime)
		d, err := r.open().Since("HEAD")
		wantDiff(t, d, err)
	})
	t.Run("touched without change", func(t *testing.T) {
		r, mtime := setup(t)
		os.Chtimes(r.path("a.yaml"), mtime.Add(time.Hour), mtime.Add(time.Hour))
		d, err := r.open().Since("HEAD")
		wantDiff(t, d, err)
	})
}

func TestStaged(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", manifest("a", 5))
	r.write("b.yaml", manifest("b", 5))
	r.write("c.yaml", manifest("c", 5))
	r.write("mv.yaml", manifest("mv", 5))
	head := r.commitAll("c1")

	r.write("a.yaml", manifest("a", 6))
	r.add("a.yaml")                     // staged modification
	r.write("b.yaml", manifest("b", 7)) // unstaged only: not reported
	r.remove("c.yaml")
	r.add("c.yaml") // staged deletion
	if _, err := r.wt.Move("mv.yaml", "charts/mv.yaml"); err != nil {
		t.Fatal(err)
	}
	r.write("new.yaml", "n: 1\n")
	r.add("new.yaml")                    // staged addition
	r.write("new.yaml", "n: 2, later\n") // then modified on disk: the staged content counts
	r.write("untracked.yaml", "u\n")     // not staged: not reported

	d, err := r.open().Staged()
	wantDiff(t, d, err,
		"M a.yaml",
		"D c.yaml",
		"R mv.yaml -> charts/mv.yaml",
		"A new.yaml")
	if d.Base != head.String() {
		t.Fatalf("Base = %s, want HEAD %s", d.Base, head)
	}

	// Since(HEAD) sees the work tree instead.
	d, err = r.open().Since("HEAD")
	wantDiff(t, d, err,
		"M a.yaml",
		"M b.yaml",
		"D c.yaml",
		"R mv.yaml -> charts/mv.yaml",
		"A new.yaml",
		"A untracked.yaml")
}

func TestEmptyRepository(t *testing.T) {
	r := newRepo(t)
	repo := r.open()
	d, err := repo.Staged()
	wantDiff(t, d, err)
	if d.Base != "" {
		t.Fatalf("Base = %q, want empty", d.Base)
	}
	r.write("b.yaml", "b\n")
	r.write("a/x.yaml", "x\n")
	r.write("untracked.yaml", "u\n")
	r.add("b.yaml", "a/x.yaml")
	d, err = repo.Staged()
	wantDiff(t, d, err, "A a/x.yaml", "A b.yaml")

	_, err = repo.Since("main")
	wantErr(t, err, ErrNoCommits, "the repository has no commits yet; use --staged or lint everything")
	_, err = repo.Since("HEAD")
	wantErr(t, err, ErrNoCommits, "the repository has no commits yet; use --staged or lint everything")
}

func TestOpen(t *testing.T) {
	r := newRepo(t)
	r.write("deploy/demo/values.yaml", "a: 1\n")
	r.commitAll("c1")
	for _, p := range []string{r.dir, r.path("deploy"), r.path("deploy/demo"), r.path("deploy/demo/values.yaml")} {
		repo, err := Open(p)
		if err != nil {
			t.Fatalf("Open(%s): %v", p, err)
		}
		repo.Close()
		if repo.Root() != r.dir {
			t.Fatalf("Open(%s).Root() = %s, want %s", p, repo.Root(), r.dir)
		}
	}
	// Relative paths work from a subfolder too.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(r.path("deploy/demo"))
	repo := openRepo(t, ".")
	if repo.Root() != r.dir {
		t.Fatalf("Open(.) from a subfolder: Root() = %s", repo.Root())
	}
	d, err := repo.Since("HEAD")
	wantDiff(t, d, err)
}

func TestOpenNotRepository(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	wantErr(t, err, ErrNotRepository, dir+" is not inside a git repository; run prodlint lint without --base/--staged, or run it in a clone")

	_, err = Open(filepath.Join(dir, "missing"))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open(missing) = %v, want not exist", err)
	}
}

func TestUnknownRevision(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", "a\n")
	r.commitAll("c1")
	repo := r.open()
	_, err := repo.Since("nope")
	wantErr(t, err, ErrUnknownRevision, `--base "nope": unknown revision; check the name, or pass a commit SHA`)

	if _, err := r.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"https://example.com/x.git"}}); err != nil {
		t.Fatal(err)
	}
	repo = r.open()
	_, err = repo.Since("origin/nope")
	wantErr(t, err, ErrUnknownRevision, `--base "origin/nope": unknown revision; fetch it first (git fetch origin nope) or pass a commit SHA`)
	_, err = repo.Since("nope")
	wantErr(t, err, ErrUnknownRevision, `--base "nope": unknown revision; fetch it first (git fetch origin nope) or pass a commit SHA`)
	_, err = repo.Since("HEAD~5")
	wantErr(t, err, ErrUnknownRevision, `--base "HEAD~5": unknown revision; check the revision, or fetch more history and pass a commit SHA`)
	_, err = repo.Since("0123456789abcdef0123456789abcdef01234567")
	wantErr(t, err, ErrUnknownRevision, `--base "0123456789abcdef0123456789abcdef01234567": unknown revision; fetch it first (git fetch origin 0123456789abcdef0123456789abcdef01234567) or pass a commit SHA`)
	_, err = repo.Since("")
	if !errors.Is(err, ErrUnknownRevision) {
		t.Fatalf("Since(\"\") = %v", err)
	}
}

func TestNoCommonAncestor(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", "a\n")
	head := r.commitAll("c1")
	hc, _ := r.repo.CommitObject(head)
	// An unrelated root commit (git checkout --orphan).
	orphan := &object.Commit{Author: *r.sig(), Committer: *r.sig(), Message: "orphan", TreeHash: hc.TreeHash}
	obj := r.repo.Storer.NewEncodedObject()
	if err := orphan.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	r.branch("orphan", h)
	_, err = r.open().Since("orphan")
	wantErr(t, err, ErrNoCommonAncestor,
		"cannot find the merge base of orphan and HEAD: orphan and HEAD have no common ancestor; pass a --base that shares history with HEAD")
}

func TestLinkedWorktree(t *testing.T) {
	needGit(t)
	r, c1 := forkedRepo(t)
	linked := filepath.Join(t.TempDir(), "linked")
	runGit(t, r.dir, "worktree", "add", "-q", "-b", "other", linked, "feature")
	if fi, err := os.Stat(filepath.Join(linked, ".git")); err != nil || fi.IsDir() {
		t.Fatalf("%s/.git should be a file: %v", linked, err)
	}
	os.WriteFile(filepath.Join(linked, "linked-only.yaml"), []byte("l: 1\n"), 0o644)
	os.WriteFile(filepath.Join(linked, "staged.yaml"), []byte("s: 1\n"), 0o644)
	runGit(t, linked, "add", "staged.yaml")

	repo := openRepo(t, filepath.Join(linked, "charts"))
	if repo.Root() != linked {
		t.Fatalf("Root() = %s, want %s", repo.Root(), linked)
	}
	d, err := repo.Since("main")
	wantDiff(t, d, err,
		"M a.yaml",
		"A c.yaml",
		"A charts/demo/values.yaml",
		"D del.yaml",
		"A linked-only.yaml",
		"R old/exact.yaml -> new/exact.yaml",
		"R similar.yaml -> renamed.yaml",
		"A staged.yaml")
	if d.Base != c1.String() {
		t.Fatalf("Base = %s, want %s", d.Base, c1)
	}
	d, err = repo.Staged()
	wantDiff(t, d, err, "A staged.yaml")

	// The main work tree has its own index and files.
	d, err = r.open().Staged()
	wantDiff(t, d, err)
	d, err = r.open().Since("main")
	wantDiff(t, d, err, forkedWant...)
}

func TestShallowClone(t *testing.T) {
	needGit(t)
	// origin: main A-B-D, feature B-C, HEAD on feature.
	o := newRepo(t)
	o.write("a.yaml", "a\n")
	o.commitAll("A")
	o.write("b.yaml", "b\n")
	b := o.commitAll("B")
	o.branch("feature", b)
	o.write("d.yaml", "d\n")
	o.branch("main", o.commitAll("D"))
	o.checkout("feature")
	o.write("c.yaml", "c\n")
	o.commitAll("C")

	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, o.dir, "clone", "-q", "--depth", "1", "--no-single-branch", "file://"+o.dir, clone)
	repo := openRepo(t, clone)
	_, err := repo.Since("origin/main")
	wantErr(t, err, ErrShallowClone, "cannot find the merge base of origin/main and HEAD: the clone is shallow; use actions/checkout with fetch-depth: 0, or run git fetch --unshallow")
	_, err = repo.Since("HEAD~1")
	wantErr(t, err, ErrShallowClone, `--base "HEAD~1": not in this clone because it is shallow; use actions/checkout with fetch-depth: 0, or run git fetch --unshallow`)

	// Uncommitted changes need no history.
	os.WriteFile(filepath.Join(clone, "c.yaml"), []byte("c2\n"), 0o644)
	d, err := repo.Since("HEAD")
	wantDiff(t, d, err, "M c.yaml")

	// Deepening fixes it.
	runGit(t, clone, "fetch", "-q", "--deepen=2")
	d, err = repo.Since("origin/main")
	wantDiff(t, d, err, "A c.yaml")
	if d.Base != b.String() {
		t.Fatalf("Base = %s, want %s", d.Base, b)
	}
}

func TestSubmoduleEntriesAreNotWalked(t *testing.T) {
	needGit(t)
	sub := newRepo(t)
	sub.write("x.yaml", "x\n")
	sub.commitAll("sub")
	r := newRepo(t)
	r.write("a.yaml", "a\n")
	r.commitAll("c1")
	runGit(t, r.dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://"+sub.dir, "vendor/sub")
	runGit(t, r.dir, "commit", "-q", "-m", "add submodule")
	os.WriteFile(filepath.Join(r.dir, "vendor/sub/new.yaml"), []byte("inside the submodule\n"), 0o644)

	repo := r.open()
	d, err := repo.Since("HEAD~1")
	wantDiff(t, d, err, "A .gitmodules", "A vendor/sub")
	d, err = repo.Staged()
	wantDiff(t, d, err)

	f, err := repo.TreeFS("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(f, "vendor/sub")
	if err != nil || len(ents) != 0 {
		t.Fatalf("submodule as a folder: %v, %v", ents, err)
	}
}

// Equal similarity scores must pair the same way on every run.
func TestRenamesDeterministic(t *testing.T) {
	r := newRepo(t)
	body := manifest("same", 20)
	for i := range 6 {
		r.write(fmt.Sprintf("x%d.yaml", i), strings.Replace(body, "key000", fmt.Sprintf("k%d", i), 1))
	}
	r.write("empty-a", "")
	r.write("dup/one.yaml", "dup: true\n")
	r.write("dup/two.yaml", "dup: true\n")
	c1 := r.commitAll("c1")
	for i := range 6 {
		r.remove(fmt.Sprintf("x%d.yaml", i))
	}
	r.remove("empty-a")
	r.remove("dup/one.yaml")
	r.remove("dup/two.yaml")
	r.write("y.yaml", strings.Replace(body, "key001", "other", 1))
	r.write("empty-b", "")                   // empty files never pair
	r.write("moved/two.yaml", "dup: true\n") // same content twice: the same name wins
	r.commitAll("c2")
	for range 20 {
		d, err := r.open().Since(c1.String())
		wantDiff(t, d, err,
			"D dup/one.yaml",
			"D empty-a",
			"A empty-b",
			"R dup/two.yaml -> moved/two.yaml",
			"D x1.yaml",
			"D x2.yaml",
			"D x3.yaml",
			"D x4.yaml",
			"D x5.yaml",
			"R x0.yaml -> y.yaml")
	}
}
