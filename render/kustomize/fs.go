package kustomize

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/prodlint/prodlint/render"
)

// outsideHint ends every message about a path that leaves the repository.
const outsideHint = "prodlint reads only files inside it"

var (
	// errOutside is a path that is not inside the repository.
	errOutside = errors.New("outside the repository; " + outsideHint)
	// errReadOnly is returned by every method that would write.
	errReadOnly = errors.New("read-only: prodlint never writes to the repository")
)

// escapeError is a symlink inside the repository whose target is not.
type escapeError struct {
	link   string // repository-relative path of the symlink
	target string // its target, as written
}

func (e *escapeError) Error() string {
	return fmt.Sprintf("symlink %s -> %s leads outside the repository; %s", e.link, e.target, outsideHint)
}

// Unwrap makes an escape an errOutside.
func (e *escapeError) Unwrap() error { return errOutside }

// repoFS is a read-only filesys.FileSystem over the repository's fs.FS, so
// that kustomize reads the work tree or a git revision alike and nothing
// else.
//
// Kustomize works with absolute paths. Those of repoFS live under a virtual
// root, the repository root path as the user gave it (render.Options.Root),
// which stands for "." of the fs.FS: the path root/a/b is the file a/b of
// the fs.FS. Paths outside the root, and symlinks that lead out of it, are
// errors (errOutside); relative paths are relative to the root, since there
// is no working directory. Symlinks inside the repository are followed like
// the disk does, by reading them through fs.ReadLinkFS when the fs.FS has
// it, so CleanedAbs returns symlink-free paths and kustomize's RootOnly load
// restriction works as on disk. An fs.FS without fs.ReadLinkFS is taken to
// have no symlinks (it follows them itself, if it has any).
type repoFS struct {
	fsys fs.FS
	root string // clean absolute path of "."
	pre  string // root with a trailing separator
}

var _ filesys.FileSystem = (*repoFS)(nil)

// newRepoFS returns the repository fsys under the absolute path root.
func newRepoFS(fsys fs.FS, root string) *repoFS {
	root = filepath.Clean(root)
	pre := root
	if !strings.HasSuffix(pre, string(filepath.Separator)) {
		pre += string(filepath.Separator)
	}
	return &repoFS{fsys: fsys, root: root, pre: pre}
}

// abs returns the absolute path of a repository-relative, slash-separated
// path.
func (f *repoFS) abs(name string) string {
	if name == "." {
		return f.root
	}
	return filepath.Join(f.root, filepath.FromSlash(name))
}

// rel returns the repository-relative path of an absolute path (or of a
// path relative to the root), or an error wrapping errOutside.
func (f *repoFS) rel(p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(f.root, p)
	}
	p = filepath.Clean(p)
	if p == f.root {
		return ".", nil
	}
	r, ok := strings.CutPrefix(p, f.pre)
	if !ok {
		return "", &fs.PathError{Op: "open", Path: p, Err: errOutside}
	}
	r = filepath.ToSlash(r)
	if !fs.ValidPath(r) {
		return "", &fs.PathError{Op: "open", Path: p, Err: fs.ErrInvalid}
	}
	return r, nil
}

// resolve returns name (repository-relative) with every symlink replaced by
// its target, like filepath.EvalSymlinks. A symlink that leads outside the
// repository, by an absolute target or too many "..", is an *escapeError.
// A missing file is an error matching fs.ErrNotExist.
func (f *repoFS) resolve(name string) (string, error) {
	if _, ok := f.fsys.(fs.ReadLinkFS); !ok || name == "." {
		return name, nil
	}
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	r, err := render.ResolvePath(f.fsys, ".", name)
	var out *render.LeavesRepository
	switch {
	case !errors.As(err, &out):
		return r, err
	case out.Link == "":
		return "", &fs.PathError{Op: "lstat", Path: name, Err: errOutside}
	}
	return "", &escapeError{link: out.Link, target: out.Target}
}

// target returns the resolved repository-relative path of p.
func (f *repoFS) target(p string) (string, error) {
	name, err := f.rel(p)
	if err != nil {
		return "", err
	}
	return f.resolve(name)
}

// stat returns the file information of a repository-relative path,
// following symlinks.
func (f *repoFS) stat(name string) (fs.FileInfo, error) {
	r, err := f.resolve(name)
	if err != nil {
		return nil, err
	}
	return fs.Stat(f.fsys, r)
}

// read returns the contents of a repository-relative file.
func (f *repoFS) read(name string) ([]byte, error) {
	r, err := f.resolve(name)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(f.fsys, r)
	if err == nil {
		err = checkFile(name, b) // kyaml would parse a huge file, and expand an alias bomb, without limit
	}
	return b, err
}

// withPath gives a *fs.PathError the absolute path kustomize asked for, so
// that kustomize's messages name files as they do on disk.
func withPath(err error, p string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && !errors.Is(err, errOutside) {
		return &fs.PathError{Op: pe.Op, Path: p, Err: pe.Err}
	}
	return err
}

// Open implements filesys.FileSystem; the file is read-only.
func (f *repoFS) Open(p string) (filesys.File, error) {
	name, err := f.target(p)
	if err != nil {
		return nil, withPath(err, p)
	}
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, withPath(err, p)
	}
	return roFile{file}, nil
}

// ReadFile implements filesys.FileSystem.
func (f *repoFS) ReadFile(p string) ([]byte, error) {
	name, err := f.target(p)
	if err != nil {
		return nil, withPath(err, p)
	}
	b, err := fs.ReadFile(f.fsys, name)
	if err == nil {
		err = checkFile(name, b) // kustomize would parse a huge file, and expand an alias bomb, without limit
	}
	return b, withPath(err, p)
}

// CleanedAbs implements filesys.FileSystem: the folder (symlinks resolved)
// and the file name of p, or p and "" for a folder. Like the disk's, it
// fails for a missing path, with kustomize's message.
func (f *repoFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	name, err := f.target(p)
	var fi fs.FileInfo
	if err == nil {
		fi, err = fs.Stat(f.fsys, name)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errOutside) {
			err = &fs.PathError{Op: "lstat", Path: p, Err: fs.ErrNotExist}
		}
		return "", "", fmt.Errorf("evalsymlink failure on '%s' : %w", p, err)
	}
	if fi.IsDir() {
		return filesys.ConfirmedDir(f.abs(name)), "", nil
	}
	return filesys.ConfirmedDir(f.abs(path.Dir(name))), path.Base(name), nil
}

// Exists implements filesys.FileSystem.
func (f *repoFS) Exists(p string) bool {
	name, err := f.target(p)
	if err != nil {
		return false
	}
	_, err = fs.Stat(f.fsys, name)
	return err == nil
}

// IsDir implements filesys.FileSystem. Folders above the root are not
// part of the repository and are not folders here.
func (f *repoFS) IsDir(p string) bool {
	name, err := f.target(p)
	if err != nil {
		return false
	}
	fi, err := fs.Stat(f.fsys, name)
	return err == nil && fi.IsDir()
}

// ReadDir implements filesys.FileSystem: the names in a folder, sorted.
func (f *repoFS) ReadDir(p string) ([]string, error) {
	name, err := f.target(p)
	if err != nil {
		return nil, withPath(err, p)
	}
	es, err := fs.ReadDir(f.fsys, name)
	if err != nil {
		return nil, withPath(err, p)
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names, nil
}

// Glob implements filesys.FileSystem with fs.Glob: the root part of the
// pattern is taken literally, symlinks in the pattern's folders are not
// resolved, and hidden files are dropped unless the pattern names them, as
// on disk.
func (f *repoFS) Glob(pattern string) ([]string, error) {
	name, err := f.rel(pattern)
	if err != nil {
		return nil, err
	}
	ms, err := fs.Glob(f.fsys, name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = f.abs(m)
	}
	if !filesys.IsHiddenFilePath(pattern) {
		out = filesys.RemoveHiddenFiles(out)
	}
	return out, nil
}

// Walk implements filesys.FileSystem with fs.WalkDir: the start folder is
// resolved (the disk does not follow a symlink there), symlinks below it are
// reported and not followed, and walkFn gets paths under p as given.
func (f *repoFS) Walk(p string, walkFn filepath.WalkFunc) error {
	name, err := f.target(p)
	if err != nil {
		return walkFn(p, nil, withPath(err, p))
	}
	return fs.WalkDir(f.fsys, name, func(q string, d fs.DirEntry, err error) error {
		at := p
		if q != name {
			rest := q
			if name != "." {
				rest = strings.TrimPrefix(q, name+"/")
			}
			at = filepath.Join(p, filepath.FromSlash(rest))
		}
		var info fs.FileInfo
		if err == nil && d != nil {
			info, err = d.Info()
		}
		return walkFn(at, info, withPath(err, at))
	})
}

// Create implements filesys.FileSystem; it always fails.
func (f *repoFS) Create(p string) (filesys.File, error) { return nil, readOnly("create", p) }

// Mkdir implements filesys.FileSystem; it always fails.
func (f *repoFS) Mkdir(p string) error { return readOnly("mkdir", p) }

// MkdirAll implements filesys.FileSystem; it always fails.
func (f *repoFS) MkdirAll(p string) error { return readOnly("mkdir", p) }

// RemoveAll implements filesys.FileSystem; it always fails.
func (f *repoFS) RemoveAll(p string) error { return readOnly("remove", p) }

// WriteFile implements filesys.FileSystem; it always fails.
func (f *repoFS) WriteFile(p string, _ []byte) error { return readOnly("write", p) }

func readOnly(op, p string) error { return &fs.PathError{Op: op, Path: p, Err: errReadOnly} }

// roFile is an fs.File as a filesys.File that refuses writes.
type roFile struct{ fs.File }

// Write implements io.Writer; it always fails.
func (roFile) Write([]byte) (int, error) { return 0, errReadOnly }

// isOutside reports whether err is about a path that leaves the
// repository: ours, or the file system's own refusal (render.Escapes).
func isOutside(err error) bool {
	return errors.Is(err, errOutside) || render.Escapes(err)
}

// outsideText explains an isOutside error in one line: the symlink that
// leads out, or the path.
func outsideText(err error, name string) string {
	var e *escapeError
	if errors.As(err, &e) {
		return e.Error()
	}
	if errors.Is(err, errOutside) {
		return errOutside.Error()
	}
	return fmt.Sprintf("%s leads outside the repository through a symlink; %s", name, outsideHint)
}

// originFS is the repository as krusty reads it, with provenance tracking
// switched on without writing the user's files (provenance.go). In origin
// mode, reading the root kustomization file returns it with buildMetadata
// [originAnnotations, transformerAnnotations] added, the only switch that
// makes krusty record where each resource came from. In annotation mode,
// reading a file of files returns its annotated copy instead.
type originFS struct {
	filesys.FileSystem
	repo *repoFS
	// root (origin mode) is the absolute, symlink-free path of the root
	// kustomization file, exactly as krusty asks for it.
	root string
	// files (annotation mode) maps symlink-free repository paths to the
	// content krusty reads instead.
	files map[string][]byte
}

// ReadFile implements filesys.FileSystem.
func (f originFS) ReadFile(p string) ([]byte, error) {
	if f.files != nil {
		if r, err := f.repo.target(p); err == nil {
			if b, ok := f.files[r]; ok {
				return slices.Clone(b), nil
			}
		}
		return f.FileSystem.ReadFile(p)
	}
	b, err := f.FileSystem.ReadFile(p)
	if err != nil || p != f.root {
		return b, err
	}
	out, err := withBuildMetadata(b)
	if err != nil {
		return b, nil // let kustomize report the problem with the user's bytes
	}
	return out, nil
}

// withBuildMetadata returns a kustomization with the origin and transformer
// annotation options added to its buildMetadata list.
func withBuildMetadata(b []byte) ([]byte, error) {
	n, err := kyaml.Parse(string(b))
	if err != nil {
		return nil, err
	}
	bm, err := n.Pipe(kyaml.LookupCreate(kyaml.SequenceNode, "buildMetadata"))
	if err != nil {
		return nil, err
	}
	var have []string
	for _, e := range bm.Content() {
		have = append(have, e.Value)
	}
	for _, o := range []string{types.OriginAnnotations, types.TransformerAnnotations} {
		if slices.Contains(have, o) {
			continue
		}
		if err := bm.PipeE(kyaml.Append(kyaml.NewScalarRNode(o).YNode())); err != nil {
			return nil, err
		}
	}
	s, err := n.String()
	return []byte(s), err
}
