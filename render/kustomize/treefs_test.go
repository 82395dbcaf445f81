package kustomize

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/prodlint/prodlint/change"
	"github.com/prodlint/prodlint/render"
)

// TestGitRevision renders overlays from a commit (change.TreeFS) while the
// work tree has moved on and is broken: the render is that of the committed
// files, with the same objects and locations as the fixtures on disk, and a
// committed symlink that leads out of the repository is refused.
func TestGitRevision(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "repo")
	if err := os.WriteFile(filepath.Join(tmp, "secret.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\ndata:\n  token: "+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	mem := mapFixtures(t)
	for name, f := range mem {
		if !strings.HasPrefix(name, "app/") && !strings.HasPrefix(name, "collide/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "leak"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "leak", "kustomization.yaml"), []byte("resources:\n  - leak.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../secret.yaml", filepath.Join(dir, "leak", "leak.yaml")); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "test", Email: "test@example.com", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	commit, err := wt.Commit("fixtures", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}

	// The work tree moves on: a broken base and a changed patch.
	if err := os.WriteFile(filepath.Join(dir, "app", "base", "kustomization.yaml"), []byte("resources: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app", "overlays", "prod", "deployment-patch.yaml"), []byte("replicas: 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	r, err := change.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tree, err := r.TreeFS(commit.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"app/base", "app/overlays/prod", "app/overlays/staging", "collide/overlay"} {
		want := summary(renderDir(t, fixtures, d))
		if got := summary(renderFS(t, tree, dir, d)); got != want {
			t.Errorf("%s: render of the commit differs:\n%s\nwant\n%s", d, got, want)
		}
	}
	if v := renderFS(t, nil, dir, "app/overlays/prod"); v.Err == nil {
		t.Error("the broken work tree rendered: the test does not tell the trees apart")
	}

	v := renderFS(t, tree, dir, "leak")
	checkNoLeak(t, v)
	var fe *render.FileError
	want := `leak/kustomization.yaml:2: resources entry "leak.yaml": symlink leak/leak.yaml -> ../../secret.yaml leads outside the repository; prodlint reads only files inside it`
	if !errors.As(v.Err, &fe) || fe.Error() != want {
		t.Errorf("Err = %v\nwant %s", v.Err, want)
	}
}
