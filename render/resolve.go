package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks bounds the symlinks followed to resolve one path, like ELOOP.
const maxLinks = 40

// LeavesRepository is a path that leads outside the repository: through the
// symlink Link (whose target, Target, is absolute or has more ".." than
// folders), or, when Link is empty, by ".." of its own.
type LeavesRepository struct {
	Link, Target string
}

func (e *LeavesRepository) Error() string {
	if e.Link == "" {
		return "path leads outside the repository"
	}
	return fmt.Sprintf("symlink %s -> %s leads outside the repository", e.Link, e.Target)
}

// ResolvePath returns the path p, relative to the symlink-free folder dir
// of the repository fsys, with every symlink in it replaced by its target,
// like filepath.EvalSymlinks, so that the result names no symlink. A path
// that leaves the repository is a *LeavesRepository; a missing path is an
// error matching fs.ErrNotExist. Symlinks are read through fs.Lstat and
// fs.ReadLink: over a file system without fs.ReadLinkFS nothing is a
// symlink, and it must refuse symlinks that leave it itself. The Helm and
// kustomize renderers both read the repository through it.
func ResolvePath(fsys fs.FS, dir, p string) (string, error) {
	todo := strings.Split(p, "/")
	done := dir // resolved, symlink-free prefix
	var link *LeavesRepository
	links := 0
	for len(todo) > 0 {
		comp := todo[0]
		todo = todo[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			if done == "." {
				if link == nil {
					return "", &LeavesRepository{}
				}
				return "", link
			}
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, comp)
		fi, err := fs.Lstat(fsys, next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", &fs.PathError{Op: "lstat", Path: path.Join(dir, p), Err: errors.New("too many levels of symbolic links")}
		}
		target, err := fs.ReadLink(fsys, next)
		if err != nil {
			return "", err
		}
		link = &LeavesRepository{Link: next, Target: target}
		if target == "" || filepath.IsAbs(target) || path.IsAbs(filepath.ToSlash(target)) || filepath.VolumeName(target) != "" {
			return "", link
		}
		todo = append(strings.Split(filepath.ToSlash(target), "/"), todo...)
	}
	return done, nil
}
