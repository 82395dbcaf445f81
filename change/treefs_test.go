package change

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

func treeRepo(t *testing.T) (*testRepo, string) {
	r := newRepo(t)
	r.write("README.md", "# demo\n")
	r.write("charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
	r.write("charts/demo/values.yaml", "replicas: 1\n")
	r.write("charts/demo/templates/deploy.yaml", "kind: Deployment\n")
	r.write("charts/other/Chart.yaml", "apiVersion: v2\nname: other\nversion: 0.2.0\n")
	r.symlink("values.yaml", "charts/demo/values-link.yaml")
	r.symlink("../charts/demo", "links/demo")
	r.symlink("../../etc/passwd", "links/escape")
	r.symlink("..", "links/up")
	r.symlink("loop", "links/loop")
	r.addAll()
	// go-git's Add rewrites absolute symlink targets; stage this one as git does.
	r.stageBlob("links/absolute", "/etc/passwd", filemode.Symlink)
	r.stageGitlink("vendor/sub", "0123456789abcdef0123456789abcdef01234567")
	c1 := r.commit("c1")

	r.write("charts/demo/values.yaml", "replicas: 3\n")
	os.RemoveAll(r.path("charts/other"))
	r.write("charts/new/Chart.yaml", "apiVersion: v2\nname: new\n")
	r.commitAll("c2")
	return r, c1.String()
}

func TestTreeFSRead(t *testing.T) {
	r, c1 := treeRepo(t)
	// The work tree has moved on; the tree of c1 must not see it.
	r.write("charts/demo/values.yaml", "replicas: 9\n")
	repo := r.open()
	fsys, err := repo.TreeFS(c1)
	if err != nil {
		t.Fatal(err)
	}

	b, err := fs.ReadFile(fsys, "charts/demo/values.yaml")
	if err != nil || string(b) != "replicas: 1\n" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	// Through Open and Read, as a caller without ReadFile would.
	f, err := fsys.Open("charts/other/Chart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(f)
	f.Close()
	if err != nil || !strings.Contains(string(b), "name: other") {
		t.Fatalf("Open+Read = %q, %v", b, err)
	}

	var walked []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		s := p
		if d.IsDir() {
			s += "/"
		} else if d.Type()&fs.ModeSymlink != 0 {
			s += "@"
		}
		walked = append(walked, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"./", "README.md", "charts/", "charts/demo/", "charts/demo/Chart.yaml",
		"charts/demo/templates/", "charts/demo/templates/deploy.yaml", "charts/demo/values-link.yaml@",
		"charts/demo/values.yaml", "charts/other/", "charts/other/Chart.yaml", "links/",
		"links/absolute@", "links/demo@", "links/escape@", "links/loop@", "links/up@",
		"vendor/", "vendor/sub/"}
	if !slices.Equal(walked, want) {
		t.Fatalf("WalkDir:\n%q\nwant\n%q", walked, want)
	}

	charts, err := fs.Glob(fsys, "charts/*/Chart.yaml")
	if err != nil || !slices.Equal(charts, []string{"charts/demo/Chart.yaml", "charts/other/Chart.yaml"}) {
		t.Fatalf("Glob = %q, %v", charts, err)
	}

	fi, err := fs.Stat(fsys, "charts/demo/Chart.yaml")
	if err != nil || fi.Size() != int64(len("apiVersion: v2\nname: demo\nversion: 0.1.0\n")) || !fi.Mode().IsRegular() || fi.Name() != "Chart.yaml" {
		t.Fatalf("Stat = %v, %v", fi, err)
	}
	if fi, err := fs.Stat(fsys, "charts/demo"); err != nil || !fi.IsDir() {
		t.Fatalf("Stat(dir) = %v, %v", fi, err)
	}
	if _, err := fs.Stat(fsys, "charts/missing.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat(missing) = %v, want not exist", err)
	}
	if _, err := fs.ReadFile(fsys, "README.md/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file as a folder = %v, want not exist", err)
	}
	if _, err := fsys.Open("../x"); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("Open(../x) = %v, want invalid", err)
	}
	if _, err := fs.ReadFile(fsys, "charts"); err == nil {
		t.Fatal("ReadFile(folder) succeeded")
	}

	// A submodule is an empty folder.
	if ents, err := fs.ReadDir(fsys, "vendor/sub"); err != nil || len(ents) != 0 {
		t.Fatalf("ReadDir(submodule) = %v, %v", ents, err)
	}
	if fi, err := fs.Stat(fsys, "vendor/sub"); err != nil || !fi.IsDir() {
		t.Fatalf("Stat(submodule) = %v, %v", fi, err)
	}
	if _, err := fs.Stat(fsys, "vendor/sub/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat(in a submodule) = %v", err)
	}

	// Sub-trees, as a chart loader would use them.
	sub, err := fs.Sub(fsys, "charts/demo")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(sub, "templates/deploy.yaml"); err != nil || string(b) != "kind: Deployment\n" {
		t.Fatalf("Sub ReadFile = %q, %v", b, err)
	}

	// The later commit and HEAD see their own trees.
	head, err := repo.TreeFS("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(head, "charts/demo/values.yaml"); string(b) != "replicas: 3\n" {
		t.Fatalf("HEAD values = %q", b)
	}
	if _, err := fs.Stat(head, "charts/other"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleted folder at HEAD: %v", err)
	}
}

func TestTreeFSSymlinks(t *testing.T) {
	r, c1 := treeRepo(t)
	fsys, err := r.open().TreeFS(c1)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"charts/demo/values-link.yaml": "replicas: 1\n",
		"links/demo/values.yaml":       "replicas: 1\n", // a folder symlink in the middle
		"links/demo/values-link.yaml":  "replicas: 1\n", // two links
		"links/up/README.md":           "# demo\n",      // ".." from links/ is the root
	} {
		if b, err := fs.ReadFile(fsys, name); err != nil || string(b) != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", name, b, err, want)
		}
	}
	if fi, err := fs.Stat(fsys, "charts/demo/values-link.yaml"); err != nil || !fi.Mode().IsRegular() || fi.Size() != 12 {
		t.Errorf("Stat(link) follows: %v, %v", fi, err)
	}
	if fi, err := fs.Lstat(fsys, "charts/demo/values-link.yaml"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(link) = %v, %v", fi, err)
	}
	if fi, err := fs.Stat(fsys, "links/demo"); err != nil || !fi.IsDir() {
		t.Errorf("Stat(folder link) = %v, %v", fi, err)
	}
	if ents, err := fs.ReadDir(fsys, "links/demo"); err != nil || len(ents) != 4 {
		t.Errorf("ReadDir(folder link) = %v, %v", ents, err)
	}
	if target, err := fs.ReadLink(fsys, "links/escape"); err != nil || target != "../../etc/passwd" {
		t.Errorf("ReadLink = %q, %v", target, err)
	}

	for name, msg := range map[string]string{
		"links/escape":          "read links/escape: symlink links/escape -> ../../etc/passwd points outside the repository tree",
		"links/absolute":        "read links/absolute: symlink links/absolute -> /etc/passwd points outside the repository tree",
		"links/up/links/escape": "read links/up/links/escape: symlink links/escape -> ../../etc/passwd points outside the repository tree",
	} {
		_, err := fs.ReadFile(fsys, name)
		if err == nil || err.Error() != msg || !errors.Is(err, ErrSymlinkEscapes) {
			t.Errorf("ReadFile(%s) = %v\nwant %s", name, err, msg)
		}
	}
	if _, err := fsys.Open("links/escape"); !errors.Is(err, ErrSymlinkEscapes) {
		t.Errorf("Open(escape) = %v", err)
	}
	if _, err := fs.Stat(fsys, "links/absolute"); !errors.Is(err, ErrSymlinkEscapes) {
		t.Errorf("Stat(absolute) = %v", err)
	}
	if _, err := fs.ReadFile(fsys, "links/loop"); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
		t.Errorf("ReadFile(loop) = %v", err)
	}
}

func TestTreeFSConformance(t *testing.T) {
	r, c1 := treeRepo(t)
	fsys, err := r.open().TreeFS(c1)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(fsys, "charts")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "demo/Chart.yaml", "demo/values.yaml", "demo/values-link.yaml",
		"demo/templates/deploy.yaml", "other/Chart.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestTreeFSConcurrent(t *testing.T) {
	r, c1 := treeRepo(t)
	repo := r.open()
	fsys, err := repo.TreeFS(c1)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if b, err := fs.ReadFile(fsys, "charts/demo/values.yaml"); err != nil || string(b) != "replicas: 1\n" {
					errs <- err
					return
				}
				if _, err := fs.Glob(fsys, "charts/*/Chart.yaml"); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			if _, err := repo.Since("HEAD~1"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestTreeFSUnknown(t *testing.T) {
	r, _ := treeRepo(t)
	_, err := r.open().TreeFS("nope")
	wantErr(t, err, ErrUnknownRevision, `"nope" is not a commit of this repository`)
}

// A partial clone lacks the blobs of older commits; they are fetched with
// the git CLI.
func TestPartialClone(t *testing.T) {
	needGit(t)
	o, c1 := treeRepo(t)
	o.write("charts/demo/values.yaml", strings.Repeat("replicas: 3\n", 1)+"extra: true\n")
	o.commitAll("c3")
	runGit(t, o.dir, "config", "uploadpack.allowFilter", "true")
	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, o.dir, "clone", "-q", "--filter=blob:none", "--no-checkout", "file://"+o.dir, clone)
	runGit(t, clone, "checkout", "-q", "HEAD")
	if got := runGit(t, clone, "config", "remote.origin.promisor"); got != "true" {
		t.Fatalf("not a partial clone: promisor=%q", got)
	}
	repo := openRepo(t, clone)
	// Make sure the blob is really missing locally.
	c1fs, err := repo.TreeFS(c1)
	if err != nil {
		t.Fatal(err)
	}
	tfs := c1fs.(*treeFS)
	n, err := tfs.resolve("stat", "charts/other/Chart.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.repo.BlobObject(n.hash); err == nil {
		t.Fatal("the blob of c1 is present; the clone is not partial")
	}

	saved := gitPath
	gitPath = filepath.Join(t.TempDir(), "no-git")
	_, err = fs.ReadFile(c1fs, "charts/other/Chart.yaml")
	gitPath = saved
	if err == nil || !strings.Contains(err.Error(), "is not in the local object store (a partial clone?) and the git CLI, needed to fetch it, is not installed") {
		t.Fatalf("without git: %v", err)
	}

	b, err := fs.ReadFile(c1fs, "charts/other/Chart.yaml")
	if err != nil || !strings.Contains(string(b), "name: other") {
		t.Fatalf("ReadFile through git = %q, %v", b, err)
	}
	if fi, err := fs.Stat(c1fs, "charts/demo/values.yaml"); err != nil || fi.Size() != 12 {
		t.Fatalf("Stat through git = %v, %v", fi, err)
	}
	d, err := repo.Since(c1)
	wantDiff(t, d, err,
		"M charts/demo/values.yaml",
		"A charts/new/Chart.yaml",
		"D charts/other/Chart.yaml",
		"D links/absolute", // not on disk, so the next commitAll dropped it
		"D vendor/sub")
}
