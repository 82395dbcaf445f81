package kustomize

import (
	"errors"
	"fmt"
	"os"
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
	missingFile   = regexp.MustCompile(`evalsymlink failure on '([^']+)' : lstat [^:]+: no such file or directory`)
	errPrefixes   = regexp.MustCompile(`^(accumulating resources: |accumulation err=')+`)
	// dirAttempt is kustomize's second attempt at a resource, as a folder,
	// after reading it as a file failed; the file error is the one to show.
	dirAttempt = regexp.MustCompile(`'?: must build at directory: .*$`)
)

// explain turns a kustomize build error, which is long and nested, into one
// line that names a repository file: a manifest with a YAML syntax error (with
// its line), a file outside a kustomization's folder, a missing file, or
// else the kustomize message with repository-relative paths.
func (t *tree) explain(err error) error {
	msg := err.Error()
	if fe := t.malformed(msg); fe != nil {
		return fe
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
	if b, err := os.ReadFile(t.abs(file)); err == nil {
		if _, perr := render.ParseManifest(file, b); perr != nil {
			var fe *render.FileError
			if errors.As(perr, &fe) {
				return fe
			}
		}
	}
	return yamlError(file, errors.New(m[2]))
}

// rel turns an absolute path from a kustomize message into a
// repository-relative one.
func (t *tree) rel(abs string) string {
	for _, root := range t.roots() {
		if r, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return abs
}

// roots returns the repository root as written and with symlinks resolved,
// since kustomize reports resolved paths.
func (t *tree) roots() []string {
	roots := []string{t.rootAbs}
	if r, err := filepath.EvalSymlinks(t.rootAbs); err == nil && r != t.rootAbs {
		roots = append(roots, r)
	}
	return roots
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
	for _, root := range t.roots() {
		msg = strings.ReplaceAll(msg, root+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, root, ".")
	}
	msg = errPrefixes.ReplaceAllString(msg, "")
	msg = dirAttempt.ReplaceAllString(msg, "")
	return strings.Join(strings.Fields(msg), " ")
}
