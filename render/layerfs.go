package render

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// LayerFS returns fsys with extra files on top: files maps
// repository-relative paths to contents, and their folders exist too. It is
// how a renderer adds what a GitOps tool generates (the kustomization that
// Flux writes for a folder of manifests, the overlay of an Application's
// kustomize options) without writing to the repository. Symlinks of fsys are
// kept (the result implements fs.ReadLinkFS when fsys does).
func LayerFS(fsys fs.FS, files map[string][]byte) fs.FS {
	l := &layerFS{base: fsys, files: map[string][]byte{}, dirs: map[string][]string{}}
	for p, b := range files {
		p = path.Clean(p)
		l.files[p] = b
		for d, name := path.Dir(p), path.Base(p); ; d, name = path.Dir(d), path.Base(d) {
			if !slices.Contains(l.dirs[d], name) {
				l.dirs[d] = append(l.dirs[d], name)
			}
			if d == "." {
				break
			}
		}
	}
	return l
}

type layerFS struct {
	base  fs.FS
	files map[string][]byte
	dirs  map[string][]string // virtual children of each folder
}

var (
	_ fs.ReadFileFS = (*layerFS)(nil)
	_ fs.ReadDirFS  = (*layerFS)(nil)
	_ fs.StatFS     = (*layerFS)(nil)
	_ fs.ReadLinkFS = (*layerFS)(nil)
)

func (l *layerFS) Open(name string) (fs.File, error) {
	if b, ok := l.files[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(b))}, r: bytes.NewReader(b)}, nil
	}
	if _, ok := l.dirs[name]; ok {
		fi, err := l.Stat(name)
		if err != nil {
			return nil, err
		}
		es, err := l.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &memDir{info: fi, entries: es}, nil
	}
	return l.base.Open(name)
}

// memDir is a folder with virtual entries.
type memDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	at      int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.at:]
	if n <= 0 {
		d.at = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.at += len(rest)
	return rest, nil
}

func (l *layerFS) ReadFile(name string) ([]byte, error) {
	if b, ok := l.files[name]; ok {
		return bytes.Clone(b), nil
	}
	return fs.ReadFile(l.base, name)
}

func (l *layerFS) Stat(name string) (fs.FileInfo, error) {
	if b, ok := l.files[name]; ok {
		return memInfo{name: path.Base(name), size: int64(len(b))}, nil
	}
	if _, ok := l.dirs[name]; ok {
		if fi, err := fs.Stat(l.base, name); err == nil {
			return fi, nil
		}
		return memInfo{name: path.Base(name), dir: true}, nil
	}
	return fs.Stat(l.base, name)
}

func (l *layerFS) Lstat(name string) (fs.FileInfo, error) {
	if _, ok := l.files[name]; ok {
		return l.Stat(name)
	}
	if _, ok := l.dirs[name]; ok {
		return l.Stat(name)
	}
	if rl, ok := l.base.(fs.ReadLinkFS); ok {
		return rl.Lstat(name)
	}
	return fs.Stat(l.base, name)
}

func (l *layerFS) ReadLink(name string) (string, error) {
	if rl, ok := l.base.(fs.ReadLinkFS); ok && l.files[name] == nil && l.dirs[name] == nil {
		return rl.ReadLink(name)
	}
	return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
}

func (l *layerFS) ReadDir(name string) ([]fs.DirEntry, error) {
	extra, virtual := l.dirs[name]
	es, err := fs.ReadDir(l.base, name)
	if err != nil && !virtual {
		return nil, err
	}
	for _, n := range extra {
		p := path.Join(name, n)
		if slices.ContainsFunc(es, func(e fs.DirEntry) bool { return e.Name() == n }) {
			continue
		}
		fi, _ := l.Stat(p)
		es = append(es, fs.FileInfoToDirEntry(fi))
	}
	slices.SortFunc(es, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return es, nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (m memInfo) Name() string { return m.name }
func (m memInfo) Size() int64  { return m.size }
func (m memInfo) Mode() fs.FileMode {
	if m.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (m memInfo) ModTime() time.Time { return time.Time{} }
func (m memInfo) IsDir() bool        { return m.dir }
func (m memInfo) Sys() any           { return nil }

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) {
	if f.r == nil {
		return 0, &fs.PathError{Op: "read", Path: f.info.name, Err: fs.ErrInvalid}
	}
	return f.r.Read(p)
}
func (f *memFile) Close() error { return nil }
