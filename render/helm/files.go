package helm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	"helm.sh/helm/v4/pkg/ignore"

	"github.com/prodlint/prodlint/render"
)

// This file reads a chart folder from the repository file system the way
// Helm's directory loader (helm.sh/helm/v4/pkg/chart/v2/loader.LoadDir)
// reads it from disk, so that the same chart renders from the work tree and
// from a git revision, and nothing outside the repository is ever read:
//
//   - the chart's .helmignore (only the top chart's; a subchart folder's own
//     .helmignore is not read, as in Helm) plus Helm's default rule
//     templates/.?* decide what is skipped, with ignored folders skipped
//     whole;
//   - folders are walked in lexical order, symlinks are followed (Helm's
//     sympath.Walk) and a symlink's ignore check sees its target's type;
//   - irregular files (pipes, devices, sockets) fail the load;
//   - the files share one budget of archive.MaxDecompressedChartSize bytes;
//   - a leading UTF-8 BOM is dropped.
//
// The differences are safety limits: a symlink that leads outside the
// repository is refused (unless .helmignore skips its path whatever it
// points to, in which case Helm would not load it either), a symlinked
// folder that contains itself is an error instead of an endless walk, and a
// chart stops at maxEntries files and folders.

// maxEntries bounds the files and folders of one chart walk, so that folder
// symlinks that fan out cannot make the walk explode.
const maxEntries = 100_000

var utf8bom = []byte{0xEF, 0xBB, 0xBF}

// errEscapes marks a path that a symlink leads outside the repository.
var errEscapes = errors.New("symlink points outside the repository; prodlint does not follow it")

// escapes reports whether err says that a path left the repository: ours,
// os.Root's, or a git tree's.
func escapes(err error) bool {
	return errors.Is(err, errEscapes) || render.Escapes(err)
}

// fileError words a file-system error about the repository path file as one
// line that names it, never an absolute path.
func fileError(file string, err error) error {
	switch {
	case escapes(err):
		return fmt.Errorf("%s: %w", file, errEscapes)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: not found", file)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: cannot read: %v", file, err)
}

// resolve returns the repository path p with every symlink in it replaced by
// its target (render.ResolvePath), so that the result names no symlink. It
// fails with errEscapes when the path leads outside the repository.
func resolve(fsys fs.FS, p string) (string, error) {
	return resolveFrom(fsys, ".", p)
}

// resolveFrom resolves the relative path p inside the folder done, which
// must already be free of symlinks.
func resolveFrom(fsys fs.FS, done, p string) (string, error) {
	real, err := render.ResolvePath(fsys, done, p)
	var out *render.LeavesRepository
	if errors.As(err, &out) {
		return "", errEscapes
	}
	return real, err
}

// readRepoFile reads the repository file p through fsys, resolving its
// symlinks first. Errors are those of resolve and the file system.
func readRepoFile(fsys fs.FS, p string) ([]byte, error) {
	real, err := resolve(fsys, p)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(fsys, real)
}

// chartWalk reads the files of one chart folder.
type chartWalk struct {
	ctx   context.Context
	fsys  fs.FS
	dir   string // repository-relative chart folder, for messages
	rules *ignore.Rules
	// remaining is what is left of the byte budget.
	remaining int64
	entries   int
	files     []*archive.BufferedFile
}

// readChartFiles returns the files of the chart in the repository folder dir
// (already resolved to real, free of symlinks), named relative to the chart
// ("templates/x.yaml", "charts/sub/Chart.yaml"), ready for Helm's
// loader.LoadFiles.
func readChartFiles(ctx context.Context, fsys fs.FS, dir, real string) ([]*archive.BufferedFile, error) {
	w := &chartWalk{ctx: ctx, fsys: fsys, dir: dir, rules: ignore.Empty(), remaining: archive.MaxDecompressedChartSize}
	// Helm reads .helmignore only when os.Stat finds it; it follows a
	// symlink, which must stay inside the repository here.
	ignoreFile := path.Join(dir, ignore.HelmIgnore)
	b, err := readRepoFile(fsys, path.Join(real, ignore.HelmIgnore))
	switch {
	case err == nil:
		r, err := ignore.Parse(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", ignoreFile, err)
		}
		w.rules = r
	case errors.Is(err, fs.ErrNotExist) && !escapes(err):
	default:
		return nil, fileError(ignoreFile, err)
	}
	w.rules.AddDefaults()
	if err := w.walk("", real, []string{real}); err != nil {
		return nil, err
	}
	return w.files, nil
}

// walk reads the folder real, named rel relative to the chart. stack holds
// the real paths of the folders being walked, real included.
func (w *chartWalk) walk(rel, real string, stack []string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	ents, err := fs.ReadDir(w.fsys, real)
	if err != nil {
		return fileError(w.repoPath(rel), err)
	}
	for _, e := range ents {
		if w.entries++; w.entries > maxEntries {
			return fmt.Errorf("%s: the chart has more than %d files and folders; prodlint stops reading it", w.dir, maxEntries)
		}
		name := path.Join(rel, e.Name())
		target := path.Join(real, e.Name())
		var fi fs.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			t, err := resolveFrom(w.fsys, real, e.Name())
			if err == nil {
				fi, err = fs.Stat(w.fsys, t)
			}
			if err != nil {
				if escapes(err) && w.ignoredAnyway(name) {
					continue
				}
				if errors.Is(err, fs.ErrNotExist) && !escapes(err) {
					return fmt.Errorf("%s: symlink target does not exist", w.repoPath(name))
				}
				return fileError(w.repoPath(name), err)
			}
			target = t
		} else {
			fi, err = e.Info()
			if err != nil {
				return fileError(w.repoPath(name), err)
			}
		}
		if fi.IsDir() {
			// Ignore rules on a folder skip all of it.
			if w.rules.Ignore(name, fi) {
				continue
			}
			for _, s := range stack {
				if s == target {
					return fmt.Errorf("%s: symlink loop: it leads to a folder that contains it", w.repoPath(name))
				}
			}
			if err := w.walk(name, target, append(stack, target)); err != nil {
				return err
			}
			continue
		}
		if w.rules.Ignore(name, fi) {
			continue
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: cannot load irregular file as it has file mode type bits set", w.repoPath(name))
		}
		data, err := w.read(name, target, fi.Size())
		if err != nil {
			return err
		}
		w.files = append(w.files, &archive.BufferedFile{Name: name, ModTime: fi.ModTime(), Data: bytes.TrimPrefix(data, utf8bom)})
	}
	return nil
}

// read reads a file of the chart against the byte budget, as Helm's
// BudgetedReader does.
func (w *chartWalk) read(name, real string, size int64) ([]byte, error) {
	tooBig := func() error {
		return fmt.Errorf("%s: chart exceeds maximum decompressed size of %d bytes", w.dir, archive.MaxDecompressedChartSize)
	}
	if size > w.remaining {
		return nil, tooBig()
	}
	if size > maxChartFile && parsed(name) {
		return nil, fmt.Errorf("%s: the file has %d bytes; prodlint reads chart files of at most %d bytes (%d MiB) that are YAML, JSON or templates", w.repoPath(name), size, maxChartFile, maxChartFile>>20)
	}
	f, err := w.fsys.Open(real)
	if err != nil {
		return nil, fileError(w.repoPath(name), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, w.remaining+1))
	if err != nil {
		return nil, fileError(w.repoPath(name), err)
	}
	if int64(len(data)) > w.remaining {
		return nil, tooBig()
	}
	w.remaining -= int64(len(data))
	if e := path.Ext(name); e == ".yaml" || e == ".yml" {
		if n := yamlTokens(data); n > maxYAMLTokens {
			return nil, fmt.Errorf("%s: the file has %d commas, brackets, braces and lines; prodlint reads YAML files of at most %d", w.repoPath(name), n, maxYAMLTokens)
		}
	}
	return data, nil
}

// ignoredAnyway reports whether the ignore rules skip the chart path name
// whether it is a file or a folder.
func (w *chartWalk) ignoredAnyway(name string) bool {
	base := path.Base(name)
	return w.rules.Ignore(name, kindInfo{base, true}) && w.rules.Ignore(name, kindInfo{base, false})
}

func (w *chartWalk) repoPath(name string) string {
	if name == "" {
		return w.dir
	}
	return path.Join(w.dir, name)
}

// kindInfo is a FileInfo that only knows whether it is a folder, for ignore
// rules on a symlink whose target is not read.
type kindInfo struct {
	name string
	dir  bool
}

func (k kindInfo) Name() string { return k.name }
func (k kindInfo) Size() int64  { return 0 }
func (k kindInfo) Mode() fs.FileMode {
	if k.dir {
		return fs.ModeDir
	}
	return 0
}
func (k kindInfo) ModTime() time.Time { return time.Time{} }
func (k kindInfo) IsDir() bool        { return k.dir }
func (k kindInfo) Sys() any           { return nil }
