package main

import (
	"errors"
	"io/fs"
	"path"
	"slices"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// loadSettings reads the configuration: the --config file, else
// .prodlint.yaml at the repository root when it exists, else defaults. Any
// problem in it is a usage error naming the file and line.
func loadSettings(f *lintFlags, sc *scope, fsys fs.FS) (*lint.Settings, error) {
	var b []byte
	var err error
	name := f.config
	if name != "" {
		b, err = readConfigFlag(sc, fsys, name)
		if err != nil {
			return nil, err
		}
	} else {
		name = lint.ConfigFile
		b, err = fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return &lint.Settings{}, nil
		}
		if err != nil {
			return nil, usagef("%s: %v", name, render.ReadError(err))
		}
	}
	s, err := lint.ParseSettings(name, b)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	for _, dir := range s.ChartNames() {
		if _, err := fs.Stat(fsys, path.Join(path.Clean(dir), "Chart.yaml")); err != nil {
			return nil, usagef("%s: charts: %s has no Chart.yaml; use the chart folder relative to the repository root", name, dir)
		}
	}
	return s, nil
}

// readConfigFlag reads --config: a path inside the repository is read
// through the repository file system, like every other input.
func readConfigFlag(sc *scope, fsys fs.FS, name string) ([]byte, error) {
	rel, err := relTo(sc.root, name)
	if err != nil {
		return nil, usagef("--config %s: the configuration must be inside the repository", name)
	}
	b, err := fs.ReadFile(fsys, rel)
	if err != nil {
		return nil, usagef("--config %s: %v", name, render.ReadError(err))
	}
	return b, nil
}

// applySettings drops excluded targets and files, and adds each chart's
// configured values files and release settings.
func applySettings(s *lint.Settings, targets []render.Target) []render.Target {
	var out []render.Target
	for _, t := range targets {
		if s.Excluded(t.Dir) {
			continue
		}
		if len(t.Files) > 0 {
			t.Files = slices.DeleteFunc(slices.Clone(t.Files), s.Excluded)
			if len(t.Files) == 0 {
				continue
			}
		}
		if cs, ok := s.Charts[t.Dir]; ok && t.Kind == render.Helm {
			for _, v := range cs.ValuesFiles {
				if !slices.Contains(t.Variants, v) {
					t.Variants = append(t.Variants, v)
				}
			}
			t.ReleaseName, t.Namespace = cs.ReleaseName, cs.Namespace
		}
		out = append(out, t)
	}
	return out
}
