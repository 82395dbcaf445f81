package change

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// TreeFS returns a read-only file system over the tree of a commit, rooted
// at the repository root, such as the base of a Diff. rev is usually a full
// SHA (Diff.Base) but may be any revision Since accepts.
//
// Nothing is copied to disk: trees and blobs are read from the object store
// when asked for (a blob missing from a partial clone is fetched with the
// git CLI). The file system implements fs.ReadFileFS, fs.ReadDirFS,
// fs.StatFS and fs.ReadLinkFS, so fs.WalkDir, fs.Glob, fs.ReadFile, fs.Stat
// and fs.Sub work, and is safe for concurrent use.
//
// It behaves like os.DirFS over a checkout of the commit: ReadDir and
// Lstat report symlinks as symlinks, while Open, ReadFile and Stat follow
// them, as long as the target stays inside the tree; a symlink that leads
// outside it (an absolute target, or too many "..") gives an error that
// names the path and matches ErrSymlinkEscapes. Submodules appear as empty
// folders. Files have mode 0644 or 0755, folders 0755, and every entry has
// the commit's committer time as its modification time. .gitignore and
// .helmignore are not applied: the tree is what was committed.
func (r *Repo) TreeFS(rev string) (fs.FS, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.resolveCommit(rev)
	if err != nil {
		if errors.Is(err, ErrUnknownRevision) {
			return nil, kindErr(ErrUnknownRevision, err, fmt.Sprintf("%q is not a commit of this repository", rev))
		}
		return nil, fmt.Errorf("reading commit %q: %w", rev, err)
	}
	return &treeFS{r: r, root: c.TreeHash, mtime: c.Committer.When, dirs: map[plumbing.Hash]*treeDir{}}, nil
}

type treeFS struct {
	r     *Repo
	root  plumbing.Hash
	mtime time.Time
	dirs  map[plumbing.Hash]*treeDir // guarded by r.mu
}

// treeDir is a tree object with its entries sorted by name.
type treeDir struct {
	entries []object.TreeEntry
}

func (d *treeDir) lookup(name string) (object.TreeEntry, bool) {
	i, ok := slices.BinarySearchFunc(d.entries, name, func(e object.TreeEntry, n string) int {
		return strings.Compare(e.Name, n)
	})
	if !ok {
		return object.TreeEntry{}, false
	}
	return d.entries[i], true
}

// node is a resolved tree entry.
type node struct {
	name string // base name ("." for the root)
	mode filemode.FileMode
	hash plumbing.Hash
}

func (n node) isDir() bool { return n.mode == filemode.Dir || n.mode == filemode.Submodule }

var (
	_ fs.ReadFileFS = (*treeFS)(nil)
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.StatFS     = (*treeFS)(nil)
	_ fs.ReadLinkFS = (*treeFS)(nil)
)

// dir reads a tree object; the caller holds r.mu.
func (t *treeFS) dir(h plumbing.Hash) (*treeDir, error) {
	if d, ok := t.dirs[h]; ok {
		return d, nil
	}
	tr, err := object.GetTree(t.r.repo.Storer, h)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s: %w", h, err)
	}
	d := &treeDir{entries: slices.Clone(tr.Entries)}
	slices.SortFunc(d.entries, func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) })
	t.dirs[h] = d
	return d, nil
}

const maxSymlinks = 40

// resolve finds name in the tree, following symlinks in folder components
// and, when follow is set, in the last component. The caller holds r.mu.
func (t *treeFS) resolve(op, name string, follow bool) (node, error) {
	if !fs.ValidPath(name) {
		return node{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	cur := node{name: ".", mode: filemode.Dir, hash: t.root}
	if name == "." {
		return cur, nil
	}
	todo := strings.Split(name, "/")
	var done []string // resolved components of cur
	links := 0
	for len(todo) > 0 {
		comp := todo[0]
		todo = todo[1:]
		if cur.mode == filemode.Submodule {
			return node{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if cur.mode != filemode.Dir {
			return node{}, &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("%s is not a folder: %w", strings.Join(done, "/"), fs.ErrNotExist)}
		}
		d, err := t.dir(cur.hash)
		if err != nil {
			return node{}, &fs.PathError{Op: op, Path: name, Err: err}
		}
		e, ok := d.lookup(comp)
		if !ok {
			return node{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if e.Mode == filemode.Symlink && (len(todo) > 0 || follow) {
			links++
			if links > maxSymlinks {
				return node{}, &fs.PathError{Op: op, Path: name, Err: errors.New("too many levels of symbolic links")}
			}
			linkPath := path.Join(append(slices.Clone(done), comp)...)
			b, err := t.r.readBlob(e.Hash)
			if err != nil {
				return node{}, &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("reading symlink %s: %w", linkPath, err)}
			}
			target := string(b)
			joined := path.Join(path.Join(done...), target)
			if path.IsAbs(target) || joined == ".." || strings.HasPrefix(joined, "../") {
				return node{}, &fs.PathError{Op: op, Path: name, Err: &kindError{kind: ErrSymlinkEscapes,
					msg: fmt.Sprintf("symlink %s -> %s points outside the repository tree", linkPath, target)}}
			}
			var rest []string
			if joined != "." {
				rest = strings.Split(joined, "/")
			}
			todo = append(rest, todo...)
			done = nil
			cur = node{name: ".", mode: filemode.Dir, hash: t.root}
			continue
		}
		done = append(done, comp)
		cur = node{name: comp, mode: e.Mode, hash: e.Hash}
	}
	// The name of the entry is the last component asked for, even when a
	// symlink led elsewhere (as os.Stat reports it).
	cur.name = path.Base(name)
	return cur, nil
}

func (t *treeFS) info(n node) (*fileInfo, error) {
	fi := &fileInfo{name: n.name, mtime: t.mtime}
	switch n.mode {
	case filemode.Dir, filemode.Submodule:
		fi.mode = fs.ModeDir | 0o755
	case filemode.Symlink:
		fi.mode = fs.ModeSymlink | 0o777
	case filemode.Executable:
		fi.mode = 0o755
	default:
		fi.mode = 0o644
	}
	if !n.isDir() {
		size, err := t.r.blobSize(n.hash)
		if err != nil {
			return nil, err
		}
		fi.size = size
	}
	return fi, nil
}

// Open opens a file or folder, following symlinks.
func (t *treeFS) Open(name string) (fs.File, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	n, err := t.resolve("open", name, true)
	if err != nil {
		return nil, err
	}
	fi, err := t.info(n)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if n.isDir() {
		ents, err := t.dirEntries(n)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &dirFile{info: fi, entries: ents, path: name}, nil
	}
	return &blobFile{t: t, info: fi, hash: n.hash, path: name}, nil
}

// ReadFile returns a file's content, following symlinks.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	n, err := t.resolve("read", name, true)
	if err != nil {
		return nil, err
	}
	if n.isDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	b, err := t.r.readBlob(n.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return b, nil
}

// ReadDir lists a folder sorted by name; symlinks are listed as symlinks.
func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	n, err := t.resolve("readdir", name, true)
	if err != nil {
		return nil, err
	}
	if !n.isDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	ents, err := t.dirEntries(n)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return ents, nil
}

func (t *treeFS) dirEntries(n node) ([]fs.DirEntry, error) {
	if n.mode == filemode.Submodule {
		return []fs.DirEntry{}, nil
	}
	d, err := t.dir(n.hash)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(d.entries))
	for _, e := range d.entries {
		out = append(out, &dirEntry{t: t, n: node{name: e.Name, mode: e.Mode, hash: e.Hash}})
	}
	return out, nil
}

// Stat describes a file or folder, following symlinks.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	return t.stat("stat", name, true)
}

// Lstat describes a file or folder without following a final symlink.
func (t *treeFS) Lstat(name string) (fs.FileInfo, error) {
	return t.stat("lstat", name, false)
}

func (t *treeFS) stat(op, name string, follow bool) (fs.FileInfo, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	n, err := t.resolve(op, name, follow)
	if err != nil {
		return nil, err
	}
	fi, err := t.info(n)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return fi, nil
}

// ReadLink returns a symlink's target as stored, even one that leads
// outside the tree.
func (t *treeFS) ReadLink(name string) (string, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	n, err := t.resolve("readlink", name, false)
	if err != nil {
		return "", err
	}
	if n.mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: errors.New("not a symlink")}
	}
	b, err := t.r.readBlob(n.hash)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(b), nil
}

type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { return nil }

type dirEntry struct {
	t *treeFS
	n node
}

func (e *dirEntry) Name() string { return e.n.name }
func (e *dirEntry) IsDir() bool  { return e.n.isDir() }
func (e *dirEntry) Type() fs.FileMode {
	switch {
	case e.n.isDir():
		return fs.ModeDir
	case e.n.mode == filemode.Symlink:
		return fs.ModeSymlink
	}
	return 0
}
func (e *dirEntry) Info() (fs.FileInfo, error) {
	e.t.r.mu.Lock()
	defer e.t.r.mu.Unlock()
	return e.t.info(e.n)
}
func (e *dirEntry) String() string { return fs.FormatDirEntry(e) }

// blobFile is an open file; its content is read on the first Read.
type blobFile struct {
	t      *treeFS
	info   *fileInfo
	hash   plumbing.Hash
	path   string
	rd     *bytes.Reader
	closed bool
}

func (f *blobFile) Stat() (fs.FileInfo, error) { return f.info, nil }

func (f *blobFile) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrClosed}
	}
	if f.rd == nil {
		f.t.r.mu.Lock()
		b, err := f.t.r.readBlob(f.hash)
		f.t.r.mu.Unlock()
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		}
		f.rd = bytes.NewReader(b)
	}
	return f.rd.Read(p)
}

func (f *blobFile) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed = true
	f.rd = nil
	return nil
}

// dirFile is an open folder.
type dirFile struct {
	info    *fileInfo
	entries []fs.DirEntry
	path    string
	off     int
	closed  bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }

func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.path, Err: errors.New("is a directory")}
}

func (d *dirFile) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.path, Err: fs.ErrClosed}
	}
	d.closed = true
	return nil
}

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: fs.ErrClosed}
	}
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}
