package kustomize

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/prodlint/prodlint/render"
)

var (
	malformedYAML = regexp.MustCompile(`accumulating resources from '([^']+)': MalformedYAMLError: (.*?) in File: `)
	recursedPath  = regexp.MustCompile(`recursed accumulation of path '([^']+)'`)
	outsideRoot   = regexp.MustCompile(`security; file '([^']+)' is not in or below '([^']+)'`)
	missingFile   = regexp.MustCompile(`evalsymlink failure on '([^']+)' : lstat [^:]+: (?:no such file or directory|file does not exist)`)
	// escapedLink, outsidePath and rootEscape are the repository file
	// system's refusals (the pre-scan reports them first, naming the entry).
	escapedLink = regexp.MustCompile(`symlink (\S+) -> (\S+) leads outside the repository`)
	outsidePath = regexp.MustCompile(`[a-z]+ (\S+): outside the repository`)
	rootEscape  = regexp.MustCompile(`[a-z]+ (\S+): path escapes from parent`)
	errPrefixes = regexp.MustCompile(`^(accumulating resources: |accumulation err=')+`)
	// dirAttempt is kustomize's second attempt at a resource, as a folder,
	// after reading it as a file failed; the file error is the one to show.
	dirAttempt = regexp.MustCompile(`'?: must build at directory: .*$`)
	// aliasBomb is checkFile's refusal of a file kustomize reads.
	aliasBomb = regexp.MustCompile(`(\S+): (` + regexp.QuoteMeta(errAliasBomb.Error()) + `|the file has \d+ bytes; prodlint reads YAML files of at most \d+ bytes \(\d+ MiB\)|the file has \d+ commas, brackets, braces and lines; prodlint reads YAML files of at most \d+)`)
)

// explain turns a kustomize build error, which is long and nested, into one
// line that names a repository file: a manifest with a YAML syntax error (with
// its line), a path or symlink that leads outside the repository, a file
// outside a kustomization's folder, a missing file, or else the kustomize
// message with repository-relative paths.
func (t *tree) explain(err error) error {
	msg := err.Error()
	if fe := t.malformed(msg); fe != nil {
		return fe
	}
	if m := aliasBomb.FindStringSubmatch(msg); m != nil {
		return &render.FileError{File: strings.Trim(m[1], "'"), Err: errors.New(m[2])}
	}
	if m := escapedLink.FindStringSubmatch(msg); m != nil {
		return &render.FileError{File: t.root.file, Err: &escapeError{link: m[1], target: m[2]}}
	}
	if m := outsidePath.FindStringSubmatch(msg); m != nil {
		return &render.FileError{File: t.root.file, Err: fmt.Errorf("%s is %w", t.rel(m[1]), errOutside)}
	}
	if m := rootEscape.FindStringSubmatch(msg); m != nil {
		return &render.FileError{File: t.root.file, Err: errors.New(outsideText(errors.New(m[0]), t.rel(m[1])))}
	}
	if m := outsideRoot.FindStringSubmatch(msg); m != nil {
		dir := t.rel(m[2])
		return &render.FileError{File: t.kustFile(dir), Err: fmt.Errorf("%s is outside the kustomization root %s; kustomize only loads files in or below the kustomization's folder (load restrictions RootOnly): move the file into %s, or make its folder a base with its own kustomization.yaml", t.rel(m[1]), dir, dir)}
	}
	if m := missingFile.FindStringSubmatch(msg); m != nil {
		return &render.FileError{File: t.root.file, Err: fmt.Errorf("%s does not exist", t.rel(m[1]))}
	}
	return &render.FileError{File: t.root.file, Err: fmt.Errorf("kustomize build failed: %s", t.clean(msg))}
}

// malformed reports a resource file that is not valid YAML, with the line
// yaml.v3 gives.
func (t *tree) malformed(msg string) *render.FileError {
	m := malformedYAML.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	dir := t.root.dir
	if r := recursedPath.FindAllStringSubmatch(msg, -1); r != nil {
		dir = t.rel(r[len(r)-1][1])
	}
	file := path.Join(dir, filepath.ToSlash(m[1]))
	if b, err := t.fs.read(file); err == nil {
		if _, perr := render.ParseManifest(file, b); perr != nil {
			var fe *render.FileError
			if errors.As(perr, &fe) {
				return fe
			}
		}
	}
	return render.YAMLError(file, errors.New(m[2]))
}

// rel turns an absolute path from a kustomize message into a
// repository-relative one ("../x" for a path outside the repository).
// Kustomize sees the repository under its root path as given, so that is
// the only root to strip.
func (t *tree) rel(abs string) string {
	if r, err := filepath.Rel(t.fs.root, abs); err == nil && filepath.IsAbs(abs) {
		return filepath.ToSlash(r)
	}
	return abs
}

// kustFile returns the kustomization file of a folder of the tree, or the
// root kustomization file.
func (t *tree) kustFile(dir string) string {
	if kz := t.all[dir]; kz != nil {
		return kz.file
	}
	return t.root.file
}

// clean makes a kustomize message one line with repository-relative paths.
func (t *tree) clean(msg string) string {
	if filepath.Dir(t.fs.root) != t.fs.root { // not "/", which is in every path
		msg = strings.ReplaceAll(msg, t.fs.pre, "")
		msg = strings.ReplaceAll(msg, t.fs.root, ".")
	}
	msg = errPrefixes.ReplaceAllString(msg, "")
	msg = dirAttempt.ReplaceAllString(msg, "")
	return strings.Join(strings.Fields(msg), " ")
}
