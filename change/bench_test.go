package change

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// bigRepo builds a repository with n tracked files in folders of 20, a
// branch with a typical pull request on top of main, a few uncommitted
// changes, and a gitignored folder of 2,000 files (node_modules-like).
func bigRepo(tb testing.TB, n int) *testRepo {
	tb.Helper()
	start := time.Now()
	r := newRepo(tb)
	r.write(".gitignore", "node_modules/\n*.log\n")
	for i := range n {
		r.write(fmt.Sprintf("deploy/app%03d/templates/res%02d.yaml", i/20, i%20), manifest(fmt.Sprintf("r%d", i), 8))
	}
	base := r.commitAll("base")
	r.branch("main", base)
	r.branch("feature", base)
	// Switch HEAD to feature; both point at base, so the work tree is right.
	if err := r.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("feature"))); err != nil {
		tb.Fatal(err)
	}
	// The pull request: 40 modified, 10 added, 10 deleted, 5 renamed.
	var touched []string
	for i := range 40 {
		p := fmt.Sprintf("deploy/app%03d/templates/res%02d.yaml", i*3, 1)
		r.write(p, manifest(fmt.Sprintf("changed%d", i), 9))
		touched = append(touched, p)
	}
	for i := range 10 {
		p := fmt.Sprintf("deploy/new%02d/values.yaml", i)
		r.write(p, manifest(fmt.Sprintf("new%d", i), 4))
		touched = append(touched, p)
		p = fmt.Sprintf("deploy/app%03d/templates/res%02d.yaml", i*5+1, 2)
		r.remove(p)
		touched = append(touched, p)
	}
	for i := range 5 {
		from := fmt.Sprintf("deploy/app%03d/templates/res%02d.yaml", i*7+2, 3)
		to := fmt.Sprintf("deploy/app%03d/templates/moved%02d.yaml", i*7+2, 3)
		os.Rename(r.path(from), r.path(to))
		touched = append(touched, from, to)
	}
	r.add(touched...)
	r.commit("pull request")
	// Uncommitted work.
	r.write("deploy/app200/templates/res00.yaml", manifest("wip", 8))
	r.write("deploy/app201/templates/extra.yaml", "wip: true\n")
	r.write("deploy/app202/templates/extra.yaml", "staged: true\n")
	r.add("deploy/app202/templates/extra.yaml")
	for i := range 2000 {
		r.write(fmt.Sprintf("node_modules/pkg%03d/file%d.js", i/10, i%10), "x\n")
	}
	if testing.Verbose() {
		tb.Logf("built a repository of %d files in %v", n, time.Since(start).Round(time.Millisecond))
	}
	return r
}

var (
	bigOnce sync.Once
	big     *testRepo
	bigDir  string // removed by TestMain
)

// sharedBigRepo builds bigRepo(5000) once for all benchmarks.
func sharedBigRepo(b *testing.B) *testRepo {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "change-bench-")
		if err != nil {
			b.Fatal(err)
		}
		bigDir = dir
		big = bigRepo(&dirTB{TB: b, dir: dir}, 5000)
	})
	if big == nil {
		b.Fatal("building the benchmark repository failed")
	}
	return big
}

// dirTB is a testing.TB whose TempDir is a fixed folder that outlives
// the benchmark that created it.
type dirTB struct {
	testing.TB
	dir string
}

func (d *dirTB) TempDir() string { return d.dir }

func BenchmarkSince(b *testing.B) {
	r := sharedBigRepo(b)
	var d *Diff
	for b.Loop() {
		repo, err := Open(r.dir)
		if err != nil {
			b.Fatal(err)
		}
		if d, err = repo.Since("main"); err != nil {
			b.Fatal(err)
		}
		repo.Close()
	}
	if len(d.Changes) != 40+20+5+3 {
		b.Fatalf("%d changes:\n%s", len(d.Changes), summary(d))
	}
}

func BenchmarkStaged(b *testing.B) {
	r := sharedBigRepo(b)
	var d *Diff
	for b.Loop() {
		repo, err := Open(r.dir)
		if err != nil {
			b.Fatal(err)
		}
		if d, err = repo.Staged(); err != nil {
			b.Fatal(err)
		}
		repo.Close()
	}
	if summary(d) != "A deploy/app202/templates/extra.yaml" {
		b.Fatalf("changes:\n%s", summary(d))
	}
}

// BenchmarkSinceAllDirty is the worst case for the stat check: every
// tracked file has a new mtime (after a fresh clone or a touch), so all are
// hashed.
func BenchmarkSinceAllDirty(b *testing.B) {
	r := sharedBigRepo(b)
	later := time.Now().Add(time.Hour)
	for i := range 5000 {
		p := r.path(fmt.Sprintf("deploy/app%03d/templates/res%02d.yaml", i/20, i%20))
		if fi, err := os.Stat(p); err == nil {
			os.Chtimes(p, later, later)
			defer os.Chtimes(p, fi.ModTime(), fi.ModTime()) // clean again for the other benchmarks
		}
	}
	for b.Loop() {
		repo, err := Open(r.dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err = repo.Since("main"); err != nil {
			b.Fatal(err)
		}
		repo.Close()
	}
}

// BenchmarkSincePacked is BenchmarkSince after `git gc`, the state of a
// fresh clone: objects in a pack instead of loose files. It needs the git
// CLI and runs last because it packs the shared repository.
func BenchmarkSincePacked(b *testing.B) {
	r := sharedBigRepo(b)
	runGit(b, r.dir, "gc", "-q")
	for b.Loop() {
		repo, err := Open(r.dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err = repo.Since("main"); err != nil {
			b.Fatal(err)
		}
		repo.Close()
	}
}
