package change

import (
	"slices"
	"strings"
	"testing"
)

// gitPaths runs a git command that prints one path per line and returns the
// sorted, deduplicated union with more.
func gitPaths(t *testing.T, dir string, cmds ...[]string) []string {
	t.Helper()
	var out []string
	for _, args := range cmds {
		for l := range strings.SplitSeq(runGit(t, dir, args...), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// crossCheck compares Since(base) and Staged() with what the git CLI says.
func crossCheck(t *testing.T, dir, base string) {
	t.Helper()
	repo := openRepo(t, dir)
	d, err := repo.Since(base)
	if err != nil {
		t.Fatal(err)
	}
	mb := runGit(t, dir, "merge-base", base, "HEAD")
	if d.Base != mb {
		t.Errorf("Base = %s, git merge-base = %s", d.Base, mb)
	}
	want := gitPaths(t, dir,
		[]string{"-c", "core.quotepath=off", "diff", "--name-only", "--no-renames", mb},
		[]string{"-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard"})
	if got := d.Paths(); !slices.Equal(got, want) {
		t.Errorf("Since(%s).Paths():\n%q\ngit says:\n%q", base, got, want)
	}
	s, err := repo.Staged()
	if err != nil {
		t.Fatal(err)
	}
	want = gitPaths(t, dir, []string{"-c", "core.quotepath=off", "diff", "--cached", "--name-only", "--no-renames"})
	if got := s.Paths(); !slices.Equal(got, want) {
		t.Errorf("Staged().Paths():\n%q\ngit says:\n%q", got, want)
	}
}

func TestCrossCheckWithGit(t *testing.T) {
	needGit(t)
	r, _ := forkedRepo(t)
	crossCheck(t, r.dir, "main")

	r.write(".gitignore", "*.tmp\nbuild/\n!keep.tmp\n")
	r.write("b.yaml", manifest("b", 30))
	r.write("staged.yaml", "staged: true\n")
	r.add("staged.yaml")
	r.remove("c.yaml")
	r.write("untracked dir/ä file.yaml", "u: 1\n")
	r.write("scratch.tmp", "ignored\n")
	r.write("keep.tmp", "kept\n")
	r.write("build/out.yaml", "ignored\n")
	r.add("charts/demo/values.yaml")
	crossCheck(t, r.dir, "main")
	crossCheck(t, r.dir, "HEAD")

	// Type changes: a file replaced by a folder, another by a symlink.
	r.remove("a.yaml")
	r.write("a.yaml/inner.yaml", "inner\n")
	r.remove("b.yaml")
	r.symlink("charts/demo/Chart.yaml", "b.yaml")
	r.symlink("../a.yaml/inner.yaml", "charts/link.yaml")
	crossCheck(t, r.dir, "main")
}

// The index as git writes it: version 4, untracked cache, intent-to-add
// entries, a racily-smudged refresh.
func TestCrossCheckIndexWrittenByGit(t *testing.T) {
	needGit(t)
	r, _ := forkedRepo(t)
	runGit(t, r.dir, "config", "core.untrackedCache", "true")
	runGit(t, r.dir, "update-index", "--index-version", "4")
	runGit(t, r.dir, "update-index", "--untracked-cache")
	r.write("new.yaml", "n: 1\n")
	r.write("intent.yaml", "i: 1\n")
	runGit(t, r.dir, "add", "new.yaml")
	runGit(t, r.dir, "add", "-N", "intent.yaml")
	r.write("a.yaml", manifest("a", 40))
	runGit(t, r.dir, "status", "--porcelain") // fills the untracked cache
	crossCheck(t, r.dir, "main")
}

func TestSplitIndex(t *testing.T) {
	needGit(t)
	r, _ := forkedRepo(t)
	runGit(t, r.dir, "update-index", "--split-index")
	_, err := r.open().Staged()
	wantErr(t, err, nil, "reading the git index: unknown extension; prodlint cannot read a split or sparse index: "+
		"run git update-index --no-split-index, or git sparse-checkout init --no-sparse-index")
}

// A merge stopped on a conflict: unmerged index entries (stages 1-3).
func TestCrossCheckMergeConflict(t *testing.T) {
	needGit(t)
	r, _ := forkedRepo(t)
	runGit(t, r.dir, "checkout", "-q", "main")
	r.write("a.yaml", manifest("a-on-main", 10))
	runGit(t, r.dir, "commit", "-q", "-am", "main changes a.yaml")
	runGit(t, r.dir, "checkout", "-q", "feature")
	if out, err := gitCmd(t, r.dir, "merge", "-q", "main").CombinedOutput(); err == nil {
		t.Fatalf("the merge did not conflict:\n%s", out)
	}
	if got := runGit(t, r.dir, "diff", "--name-only", "--diff-filter=U"); got != "a.yaml" {
		t.Fatalf("unmerged paths: %q", got)
	}
	crossCheck(t, r.dir, "main")
	d, err := r.open().Staged()
	if err != nil || !slices.Contains(d.Paths(), "a.yaml") {
		t.Fatalf("Staged() during a conflict = %v, %v", d, err)
	}
}
