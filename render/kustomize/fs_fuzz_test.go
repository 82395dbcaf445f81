package kustomize

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzResolveSymlinks builds a small repository whose symlinks have
// arbitrary targets and resolves arbitrary paths in it with repoFS.resolve,
// the function every read of a kustomize render goes through. Whatever the
// links, it must never panic, and a path it resolves must be a clean
// repository path (not absolute, not above the root) free of symlinks:
// nothing it returns can lead outside the repository.
//
// Seeds: testdata/fuzz/FuzzResolveSymlinks. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzResolveSymlinks$' -fuzztime 5m ./render/kustomize
func FuzzResolveSymlinks(f *testing.F) {
	f.Add("../secret", "sub/../x", "a/link/f.yaml")
	f.Add("/etc", "../../..", "a/loop/x")
	f.Add("loop", "link2", "a/link2/f.yaml")
	f.Add("./f.yaml", "../a/link", "a/sub/link/link")
	f.Add("..", "a/../../repo/a", "a/link/../link")
	f.Fuzz(func(t *testing.T, target1, target2, p string) {
		fsys := fstest.MapFS{
			"a/f.yaml":     {Data: []byte("kind: x\n")},
			"a/sub/f.yaml": {Data: []byte("kind: y\n")},
			"a/link":       {Data: []byte(target1), Mode: fs.ModeSymlink},
			"a/sub/link":   {Data: []byte(target2), Mode: fs.ModeSymlink},
			"a/loop":       {Data: []byte("loop"), Mode: fs.ModeSymlink},
			"a/link2":      {Data: []byte(target2), Mode: fs.ModeSymlink},
		}
		r := newRepoFS(fsys, "/repo")
		got, err := r.resolve(p)
		if err != nil {
			return
		}
		if got != "." && (!fs.ValidPath(got) || path.IsAbs(got) || got == ".." || strings.HasPrefix(got, "../")) {
			t.Fatalf("resolve(%q) = %q: not a repository path", p, got)
		}
		for dir := got; dir != "." && dir != "/"; dir = path.Dir(dir) {
			if fi, err := fs.Lstat(fsys, dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("resolve(%q) = %q, which holds the symlink %s", p, got, dir)
			}
		}
		// Every reader of repoFS agrees: no read may succeed outside.
		if _, err := r.target("/repo/" + p); err == nil {
			if _, err := r.rel("/repo/" + p); err != nil {
				t.Fatalf("target accepts %q, rel refuses it: %v", p, err)
			}
		}
	})
}
