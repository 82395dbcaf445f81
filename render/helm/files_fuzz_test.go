package helm

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzResolveSymlinks builds a small repository whose symlinks have
// arbitrary targets and resolves arbitrary paths with resolve, which every
// read of a chart goes through. It must never panic, and a path it
// resolves must be a clean repository path (not absolute, not above the
// root) free of symlinks.
//
// Seeds: testdata/fuzz/FuzzResolveSymlinks. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzResolveSymlinks$' -fuzztime 5m ./render/helm
func FuzzResolveSymlinks(f *testing.F) {
	f.Add("../secret", "sub/../x", "c/templates/link")
	f.Add("/etc/passwd", "../../..", "c/loop/x")
	f.Add("../values.yaml", "link", "c/templates/link2")
	f.Add("..", "c/../../repo", "c/templates/sub/link")
	f.Fuzz(func(t *testing.T, target1, target2, p string) {
		fsys := fstest.MapFS{
			"c/Chart.yaml":            {Data: []byte("name: c\n")},
			"c/values.yaml":           {Data: []byte("a: 1\n")},
			"c/templates/link":        {Data: []byte(target1), Mode: fs.ModeSymlink},
			"c/templates/sub/link":    {Data: []byte(target2), Mode: fs.ModeSymlink},
			"c/templates/link2":       {Data: []byte(target2), Mode: fs.ModeSymlink},
			"c/loop":                  {Data: []byte("loop"), Mode: fs.ModeSymlink},
			"c/templates/sub/cm.yaml": {Data: []byte("kind: x\n")},
		}
		got, err := resolve(fsys, p)
		if err != nil {
			return
		}
		if got != "." && (path.IsAbs(got) || got == ".." || strings.HasPrefix(got, "../")) {
			t.Fatalf("resolve(%q) = %q: not a repository path", p, got)
		}
		for dir := got; dir != "." && dir != "/"; dir = path.Dir(dir) {
			if fi, err := fs.Lstat(fsys, dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("resolve(%q) = %q, which holds the symlink %s", p, got, dir)
			}
		}
	})
}
