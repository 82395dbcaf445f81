package change

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

var bg = context.Background()

// indexView is the index keyed by path.
type indexView struct {
	entries   map[string]*index.Entry // stage 0, or one stage of an unmerged path
	order     []string                // sorted keys of entries
	conflicts map[string]bool         // unmerged paths (stages 1-3)
	modTime   time.Time               // mtime of the index file, for racy-git checks
}

func (r *Repo) readIndex() (*indexView, error) {
	idx, err := r.repo.Storer.Index()
	if errors.Is(err, index.ErrUnknownExtension) {
		return nil, fmt.Errorf("reading the git index: %w; prodlint cannot read a split or sparse index: "+
			"run git update-index --no-split-index, or git sparse-checkout init --no-sparse-index", err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the git index: %w", err)
	}
	v := &indexView{
		entries:   make(map[string]*index.Entry, len(idx.Entries)),
		conflicts: map[string]bool{},
		modTime:   idx.ModTime,
	}
	for _, e := range idx.Entries {
		if e.Stage != 0 {
			v.conflicts[e.Name] = true
		}
		if old, ok := v.entries[e.Name]; !ok || e.Stage < old.Stage {
			v.entries[e.Name] = e
		}
	}
	v.order = make([]string, 0, len(v.entries))
	for p := range v.entries {
		v.order = append(v.order, p)
	}
	slices.Sort(v.order)
	return v, nil
}

// worktreeScan is the work tree as found on disk: the state of every index
// entry and the untracked files. It needs no object from the object store,
// so Since makes it while it reads the HEAD tree.
type worktreeScan struct {
	idx       *indexView
	states    map[string]fileState // by index path
	untracked []string
}

// scanWorktree reads the index, checks every entry against the disk and
// lists the untracked files. It touches the index file and the work tree
// only, never the object store, and may run alongside object reads.
func (r *Repo) scanWorktree() (*worktreeScan, error) {
	idx, err := r.readIndex()
	if err != nil {
		return nil, err
	}
	sc := &worktreeScan{idx: idx, states: make(map[string]fileState, len(idx.order))}
	for _, p := range idx.order {
		e := idx.entries[p]
		var s fileState
		switch {
		case idx.conflicts[p]:
			if s, err = r.diskState(p); err != nil {
				return nil, err
			}
		case e.Mode == filemode.Submodule || e.SkipWorktree:
			// Submodule work trees are not inspected; sparse-checkout
			// entries are absent from disk on purpose.
			s = fileState{present: true, hash: e.Hash, mode: e.Mode}
		default:
			if s, err = r.compareWithIndex(e, idx.modTime); err != nil {
				return nil, err
			}
		}
		sc.states[p] = s
	}
	if sc.untracked, err = r.untracked(idx); err != nil {
		return nil, err
	}
	return sc, nil
}

// worktreeState returns, for each path whose work-tree content differs from
// HEAD, its state on disk: staged and unstaged changes, deletions and
// untracked files. headFiles is the HEAD tree from treeFiles.
func (sc *worktreeScan) worktreeState(headFiles map[string]fileState) map[string]fileState {
	wt := map[string]fileState{}
	for _, p := range sc.idx.order {
		s := sc.states[p]
		h := headFiles[p]
		if s.present != h.present || (s.present && (s.hash != h.hash || isLink(s.mode) != isLink(h.mode))) {
			wt[p] = s
		}
	}
	for p := range headFiles {
		if _, ok := sc.idx.entries[p]; !ok {
			wt[p] = fileState{} // deleted from the index; the walk finds it if it is still on disk
		}
	}
	for _, p := range sc.untracked {
		wt[p] = fileState{present: true, mode: filemode.Regular, disk: true}
	}
	return wt
}

// compareWithIndex returns the work-tree state of a tracked path. It trusts
// the index when the size and mtime match the entry and the entry is not
// racily clean; otherwise it hashes the file.
//
// Racy git: a file modified within the same timestamp tick as the index was
// written can keep its size and mtime. Like git, an entry whose mtime is not
// older than the index file is re-hashed. A file whose content is changed
// without changing its size, with its mtime then set back to the recorded
// value on purpose (touch -r), is not seen, as git would not see it either
// unless its ctime check catches it.
func (r *Repo) compareWithIndex(e *index.Entry, indexTime time.Time) (fileState, error) {
	abs := filepath.Join(r.root, filepath.FromSlash(e.Name))
	fi, err := os.Lstat(abs)
	if err != nil {
		if isNotExist(err) {
			return fileState{}, nil
		}
		return fileState{}, fmt.Errorf("checking %s in the work tree: %w", e.Name, err)
	}
	mode, ok := diskMode(fi)
	if !ok {
		// A directory (or a special file) replaced the tracked file.
		return fileState{}, nil
	}
	racy := !indexTime.IsZero() && !e.ModifiedAt.Before(indexTime)
	if isLink(mode) == isLink(e.Mode) && !racy &&
		uint32(fi.Size()) == e.Size && fi.ModTime().Equal(e.ModifiedAt) {
		return fileState{present: true, hash: e.Hash, mode: e.Mode, disk: true}, nil
	}
	h, err := hashDisk(abs, fi)
	if err != nil {
		return fileState{}, fmt.Errorf("hashing %s in the work tree: %w", e.Name, err)
	}
	if h == e.Hash && isLink(mode) == isLink(e.Mode) {
		mode = e.Mode
	}
	return fileState{present: true, hash: h, mode: mode, disk: true}, nil
}

// diskState hashes a path of the work tree; absent when it is missing.
func (r *Repo) diskState(p string) (fileState, error) {
	abs := filepath.Join(r.root, filepath.FromSlash(p))
	fi, err := os.Lstat(abs)
	if err != nil {
		if isNotExist(err) {
			return fileState{}, nil
		}
		return fileState{}, fmt.Errorf("checking %s in the work tree: %w", p, err)
	}
	mode, ok := diskMode(fi)
	if !ok {
		return fileState{}, nil
	}
	h, err := hashDisk(abs, fi)
	if err != nil {
		return fileState{}, fmt.Errorf("hashing %s in the work tree: %w", p, err)
	}
	return fileState{present: true, hash: h, mode: mode, disk: true}, nil
}

func diskMode(fi fs.FileInfo) (filemode.FileMode, bool) {
	m := fi.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return filemode.Symlink, true
	case m.IsRegular():
		if m&0o111 != 0 {
			return filemode.Executable, true
		}
		return filemode.Regular, true
	}
	return 0, false
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// hashDisk computes the git blob hash of a file, or of a symlink's target
// string, without holding the whole file in memory.
func hashDisk(abs string, fi fs.FileInfo) (plumbing.Hash, error) {
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(abs)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(filepath.ToSlash(target))), nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	h := plumbing.NewHasher(plumbing.BlobObject, st.Size())
	n, err := io.Copy(h, io.LimitReader(f, st.Size()))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if n != st.Size() {
		return plumbing.ZeroHash, fmt.Errorf("the file changed while it was read")
	}
	return h.Sum(), nil
}

// readWorktreeFile returns a work-tree file's content, or a symlink's target.
func (r *Repo) readWorktreeFile(p string) ([]byte, error) {
	abs := filepath.Join(r.root, filepath.FromSlash(p))
	fi, err := os.Lstat(abs)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		t, err := os.Readlink(abs)
		return []byte(filepath.ToSlash(t)), err
	}
	return os.ReadFile(abs)
}

// untracked walks the work tree once and returns the files that are neither
// in the index nor ignored, sorted. Ignored directories are not entered,
// .git is skipped, and so are submodules and nested repositories.
func (r *Repo) untracked(idx *indexView) ([]string, error) {
	base := r.excludePatterns()
	var out []string
	var walk func(dirAbs, rel string, comps []string, ps []gitignore.Pattern) error
	walk = func(dirAbs, rel string, comps []string, ps []gitignore.Pattern) error {
		des, err := os.ReadDir(dirAbs)
		if err != nil {
			if rel != "" && isNotExist(err) {
				return nil // removed while walking
			}
			return fmt.Errorf("listing untracked files in %s: %w", dirAbs, err)
		}
		// Most folders have no .gitignore: the listing says so without
		// trying to open one.
		if slices.ContainsFunc(des, func(de fs.DirEntry) bool { return de.Name() == ".gitignore" }) {
			own, err := readIgnoreFile(filepath.Join(dirAbs, ".gitignore"), comps)
			if err != nil {
				return err
			}
			ps = append(ps[:len(ps):len(ps)], own...)
		}
		m := gitignore.NewMatcher(ps)
		for _, de := range des {
			name := de.Name()
			if name == ".git" {
				continue
			}
			p := rel + name
			cs := append(comps[:len(comps):len(comps)], name)
			t := de.Type()
			switch {
			case t.IsDir():
				if e, ok := idx.entries[p]; ok && e.Mode == filemode.Submodule {
					continue
				}
				if m.Match(cs, true) {
					continue
				}
				if _, err := os.Lstat(filepath.Join(dirAbs, name, ".git")); err == nil {
					continue // a nested repository
				}
				if err := walk(filepath.Join(dirAbs, name), p+"/", cs, ps); err != nil {
					return err
				}
			case t.IsRegular() || t&fs.ModeSymlink != 0:
				if _, ok := idx.entries[p]; ok {
					continue
				}
				if m.Match(cs, false) {
					continue
				}
				out = append(out, p)
			}
		}
		return nil
	}
	if err := walk(r.root, "", nil, base); err != nil {
		return nil, err
	}
	return out, nil
}

// excludePatterns returns the ignore patterns that apply everywhere, lowest
// priority first: core.excludesFile (or git's default
// $XDG_CONFIG_HOME/git/ignore) and then $GIT_COMMON_DIR/info/exclude.
func (r *Repo) excludePatterns() []gitignore.Pattern {
	var ps []gitignore.Pattern
	if f := r.excludesFile(); f != "" {
		own, _ := readIgnoreFile(f, nil) // like git, an unreadable excludes file is skipped
		ps = append(ps, own...)
	}
	if s, ok := r.repo.Storer.(*filesystem.Storage); ok {
		if f, err := s.Filesystem().Open("info/exclude"); err == nil {
			data, err := io.ReadAll(f)
			f.Close()
			if err == nil {
				ps = append(ps, parseIgnore(data, nil)...)
			}
		}
	}
	return ps
}

func (r *Repo) excludesFile() string {
	var f string
	if cfg, err := r.repo.Config(); err == nil && cfg.Raw != nil {
		f = cfg.Raw.Section("core").Option("excludesfile")
	}
	if f == "" {
		if cfg, err := config.LoadConfig(config.GlobalScope); err == nil && cfg.Raw != nil {
			f = cfg.Raw.Section("core").Option("excludesfile")
		}
	}
	home, _ := os.UserHomeDir()
	if f == "" {
		if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
			return filepath.Join(x, "git", "ignore")
		}
		if home == "" {
			return ""
		}
		return filepath.Join(home, ".config", "git", "ignore")
	}
	if rest, ok := strings.CutPrefix(f, "~/"); ok && home != "" {
		f = filepath.Join(home, rest)
	}
	return f
}

func readIgnoreFile(path string, domain []string) ([]gitignore.Pattern, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if isNotExist(err) || errors.Is(err, syscall.EISDIR) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return parseIgnore(data, domain), nil
}

func parseIgnore(data []byte, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}
