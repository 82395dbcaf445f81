package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"sigs.k8s.io/yaml"
)

// source is where a (sub)chart lives in the repository.
type source struct {
	// dir is the repository-relative folder of a chart that is a folder.
	dir string
	// archive is the repository-relative path of the .tgz the chart (or one
	// of its ancestors) was loaded from; positions inside it are unknown.
	archive string
}

// file returns the repository-relative file that holds name (a path relative
// to the chart, "templates/x.yaml").
func (s source) file(name string) string {
	if s.archive != "" {
		return s.archive
	}
	return path.Join(s.dir, name)
}

// String names the chart location in messages.
func (s source) String() string {
	if s.archive != "" {
		return s.archive
	}
	return s.dir
}

// loaded is a chart as read from the repository, shared by all the variants
// of a target. The chart tree is not modified after loadChart returns;
// variants render copies of it.
type loaded struct {
	chart *chartv2.Chart
	// files maps every template and file of the chart tree to the source of
	// the chart that holds it. Render-time copies of the chart share these
	// pointers, which is how engine keys are mapped back to the repository
	// even when a subchart is aliased.
	files map[*common.File]source
	// charts maps every chart of the loaded tree to its source.
	charts map[*chartv2.Chart]source
	// root is the source of the chart itself.
	root source
	// read maps the repository path of every file read for the chart
	// (as named in the chart, symlinks not resolved) to its content.
	read map[string][]byte
	// marked caches the marked copies of templates across variants.
	marked map[*common.File]*common.File
	// notes are remarks found while loading (nested missing dependencies,
	// version mismatches).
	notes []string
}

// chartBase is the part of Chart.yaml Helm reads to pick a loader.
type chartBase struct {
	APIVersion string `json:"apiVersion,omitempty"`
}

// loadChart reads the chart in the repository folder dir (slash-separated,
// clean, inside the repository) through fsys, the way helm template loads a
// chart folder, and checks its dependencies.
func loadChart(ctx context.Context, fsys fs.FS, dir string) (*loaded, error) {
	real, err := resolve(fsys, dir)
	if err == nil {
		var fi fs.FileInfo
		if fi, err = fs.Stat(fsys, real); err == nil && !fi.IsDir() {
			err = fs.ErrNotExist
		}
	}
	switch {
	case escapes(err):
		return nil, fileError(dir, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: chart folder not found", dir)
	case err != nil:
		return nil, fileError(dir, err)
	}

	// Like Helm's loader.LoadDir: Chart.yaml first, to pick the loader by
	// apiVersion, then the whole folder.
	chartFile := path.Join(dir, "Chart.yaml")
	b, err := readRepoFile(fsys, path.Join(real, "Chart.yaml"))
	switch {
	case escapes(err):
		return nil, fileError(chartFile, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: cannot read chart: unable to detect chart at Chart.yaml (no such file)", dir)
	case err != nil:
		return nil, fileError(chartFile, err)
	}
	var base chartBase
	if err := yaml.Unmarshal(b, &base); err != nil {
		return nil, yamlFileError(chartFile, err.Error())
	}
	switch base.APIVersion {
	case chartv2.APIVersionV1, chartv2.APIVersionV2, "":
	case "v3":
		return nil, fmt.Errorf("%s: chart apiVersion v3 is not supported; use apiVersion v2", chartFile)
	default:
		return nil, fmt.Errorf("%s: unsupported chart apiVersion %q", chartFile, base.APIVersion)
	}

	files, err := readChartFiles(ctx, fsys, dir, real)
	if err != nil {
		return nil, err
	}
	ch, err := chartloader.LoadFiles(files)
	if err != nil {
		return nil, loadError(dir, err)
	}
	l := &loaded{chart: ch, files: map[*common.File]source{}, charts: map[*chartv2.Chart]source{}, root: source{dir: dir}, read: make(map[string][]byte, len(files))}
	for _, f := range files {
		l.read[path.Join(dir, f.Name)] = f.Data
	}
	l.index(ch, source{dir: dir})
	if err := l.checkDependencies(ch, source{dir: dir}, true); err != nil {
		return nil, err
	}
	return l, nil
}

// loadError turns a loader error into a one-line error naming the file.
func loadError(dir string, err error) error {
	msg := err.Error()
	for _, f := range []string{"Chart.yaml", "values.yaml", "Chart.lock", "requirements.yaml", "requirements.lock"} {
		if rest, ok := strings.CutPrefix(msg, "cannot load "+f+": "); ok {
			return yamlFileError(path.Join(dir, f), rest)
		}
	}
	return fmt.Errorf("%s: cannot load chart: %s", dir, oneLine(msg))
}

// index records the source of every file of ch and of its subcharts.
func (l *loaded) index(ch *chartv2.Chart, src source) {
	l.charts[ch] = src
	for _, fs := range [][]*common.File{ch.Raw, ch.Templates, ch.Files} {
		for _, f := range fs {
			l.files[f] = src
		}
	}
	subs := l.subchartSources(src)
	used := map[int]bool{}
	for _, d := range ch.Dependencies() {
		l.index(d, matchSource(d, subs, used, src))
	}
}

// candidate is one entry of a charts/ folder.
type candidate struct {
	src       source
	chartYAML []byte
	name      string
	version   string
}

// subchartSources lists the charts vendored in the charts/ folder of the
// chart at src, with their Chart.yaml bytes, so that loaded subcharts (whose
// order and folder name Helm does not keep) can be matched to their files.
// It uses the files read for the chart, as Helm's loader saw them.
func (l *loaded) subchartSources(src source) []candidate {
	if src.archive != "" {
		return nil
	}
	prefix := path.Join(src.dir, "charts") + "/"
	seen := map[string]bool{}
	var out []candidate
	for p := range l.read {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, "/")
		if seen[n] || strings.IndexAny(n, "_.") == 0 {
			continue
		}
		seen[n] = true
		var c candidate
		if b, ok := l.read[prefix+n+"/Chart.yaml"]; ok {
			c = candidate{src: source{dir: prefix + n}, chartYAML: b}
		} else if b, ok := l.read[prefix+n]; ok && strings.HasSuffix(n, ".tgz") {
			y, err := archiveChartYAML(b)
			if err != nil {
				continue
			}
			c = candidate{src: source{archive: prefix + n}, chartYAML: y}
		} else {
			continue
		}
		var md chartv2.Metadata
		if yaml.Unmarshal(c.chartYAML, &md) == nil {
			c.name, c.version = md.Name, md.Version
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].src.String() < out[j].src.String() })
	return out
}

// archiveChartYAML returns the top-level Chart.yaml of a chart archive.
func archiveChartYAML(data []byte) ([]byte, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, err
		}
		parts := strings.Split(strings.TrimPrefix(path.Clean(h.Name), "/"), "/")
		if len(parts) == 2 && parts[1] == "Chart.yaml" {
			return io.ReadAll(io.LimitReader(tr, 1<<20))
		}
	}
}

// matchSource finds the charts/ entry a loaded subchart came from: the entry
// with the same Chart.yaml bytes, else the same name and version. Inside an
// archive every subchart maps to the archive.
func matchSource(d *chartv2.Chart, subs []candidate, used map[int]bool, parent source) source {
	if parent.archive != "" {
		return parent
	}
	var raw []byte
	for _, f := range d.Raw {
		if f.Name == "Chart.yaml" {
			raw = f.Data
			break
		}
	}
	match := func(ok func(c candidate) bool) (source, bool) {
		for i, c := range subs {
			if !used[i] && ok(c) {
				used[i] = true
				return c.src, true
			}
		}
		return source{}, false
	}
	if s, ok := match(func(c candidate) bool { return raw != nil && bytes.Equal(c.chartYAML, raw) }); ok {
		return s
	}
	if s, ok := match(func(c candidate) bool { return c.name == d.Name() && c.version == d.Metadata.Version }); ok {
		return s
	}
	return source{dir: path.Join(parent.dir, "charts", d.Name())}
}

// checkDependencies replicates helm's CheckDependencies: every dependency in
// Chart.yaml must be vendored in charts/ (as a folder or a .tgz). A missing
// dependency of the root chart is an error, as it is for helm template; for
// nested subcharts it is a note. A vendored chart whose version does not
// satisfy the constraint is silently skipped by Helm, so it gets a note.
func (l *loaded) checkDependencies(ch *chartv2.Chart, src source, root bool) error {
	have := map[string][]string{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = append(have[d.Name()], d.Metadata.Version)
	}
	chartFile := src.file("Chart.yaml")
	if src.archive != "" {
		chartFile = src.archive
	}
	var missing []string
	for _, r := range ch.Metadata.Dependencies {
		if r == nil {
			continue
		}
		versions, ok := have[r.Name]
		if !ok {
			missing = append(missing, r.Name)
			continue
		}
		if r.Version != "" && !anyCompatible(r.Version, versions) {
			l.notes = append(l.notes, fmt.Sprintf("%s: dependency %q wants version %q but charts/ has %s; Helm skips it",
				chartFile, r.Name, r.Version, strings.Join(versions, ", ")))
		}
	}
	if len(missing) > 0 {
		msg := missingMessage(chartFile, src, missing)
		if root {
			return errors.New(msg)
		}
		l.notes = append(l.notes, msg+"; Helm renders without it")
	}
	for _, d := range ch.Dependencies() {
		if err := l.checkDependencies(d, l.charts[d], false); err != nil {
			return err
		}
	}
	return nil
}

func missingMessage(chartFile string, src source, missing []string) string {
	q := make([]string, len(missing))
	for i, m := range missing {
		q[i] = fmt.Sprintf("%q", m)
	}
	what := "dependency " + q[0]
	if len(q) > 1 {
		what = "dependencies " + strings.Join(q, ", ")
	}
	return fmt.Sprintf("%s: missing %s (not in charts/): run \"helm dependency build %s\"", chartFile, what, src)
}

func anyCompatible(constraint string, versions []string) bool {
	for _, v := range versions {
		if chartutil.IsCompatibleRange(constraint, v) {
			return true
		}
	}
	return false
}

// cloneChart copies the parts of a chart tree that Helm's ProcessDependencies
// modifies (metadata, dependency entries, the dependency tree), so that each
// variant processes its own copy. Templates, files and values are shared:
// the engine only reads them and coalescing deep-copies values.
func cloneChart(c *chartv2.Chart) *chartv2.Chart {
	cp := *c
	if c.Metadata != nil {
		md := *c.Metadata
		if md.Dependencies != nil {
			md.Dependencies = make([]*chartv2.Dependency, len(c.Metadata.Dependencies))
			for i, d := range c.Metadata.Dependencies {
				if d != nil {
					dd := *d
					md.Dependencies[i] = &dd
				}
			}
		}
		cp.Metadata = &md
	}
	deps := make([]*chartv2.Chart, 0, len(c.Dependencies()))
	for _, d := range c.Dependencies() {
		deps = append(deps, cloneChart(d))
	}
	cp.SetDependencies(deps...)
	return &cp
}
