package helm

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
)

// treeFS copies the folders dirs below root into an in-memory file system
// rooted at root, keeping symlinks as symlinks (targets as written).
func treeFS(t *testing.T, root string, dirs ...string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(d)), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				m[rel] = &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
			case e.IsDir():
				m[rel] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
			default:
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				m[rel] = &fstest.MapFile{Data: b, Mode: 0o644}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// leaves appends the path of every scalar and empty collection in v.
func leaves(p render.Path, v any, out *[]render.Path) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			*out = append(*out, p)
		}
		for k, e := range t {
			leaves(p.Key(k), e, out)
		}
	case []any:
		if len(t) == 0 {
			*out = append(*out, p)
		}
		for i, e := range t {
			leaves(p.Index(i), e, out)
		}
	default:
		*out = append(*out, p)
	}
}

// Rendering from an in-memory file system gives what rendering the work tree
// gives: objects, errors, notes and the location of every field.
func TestRenderFromMapFS(t *testing.T) {
	variants := []string{"ci/prod-values.yaml", "bad/negative-replicas.yaml", "bad/invalid.yaml"}
	opts := render.Options{KubeVersion: "1.34.0"}
	disk := renderAt(t, fixtures(t), "web", opts, variants...)
	opts.FS = treeFS(t, fixtures(t), "web")
	// Root names a folder that does not exist: nothing may be read from disk.
	mem := renderAt(t, filepath.Join(t.TempDir(), "no-such-repository"), "web", opts, variants...)
	for i, d := range disk {
		m := mem[i]
		t.Run(d.Name, func(t *testing.T) {
			if fmt.Sprint(d.Err) != fmt.Sprint(m.Err) {
				t.Errorf("Err = %v, disk %v", m.Err, d.Err)
			}
			if !reflect.DeepEqual(d.Notes, m.Notes) {
				t.Errorf("Notes = %q, disk %q", m.Notes, d.Notes)
			}
			if a, b := summary(d), summary(m); !reflect.DeepEqual(a, b) {
				t.Fatalf("objects = %q, disk %q", b, a)
			}
			located := 0
			for j, do := range d.Objects {
				mo := m.Objects[j]
				if !reflect.DeepEqual(do.Raw, mo.Raw) {
					t.Errorf("%s: Raw differs", do.Ref())
				}
				var paths []render.Path
				leaves(nil, do.Raw, &paths)
				paths = append(paths, render.MustPath("spec.template.spec.containers[name=web].securityContext"), render.MustPath("spec.nodeSelector"))
				for _, p := range paths {
					if a, b := do.Locator.Locate(p), mo.Locator.Locate(p); a != b {
						t.Errorf("%s %s: Locate = %+v, disk %+v", do.Ref(), p, b, a)
					}
					located++
				}
			}
			if len(d.Objects) > 0 && located < 50 {
				t.Errorf("only %d paths compared", located)
			}
		})
	}
}

// A .tgz subchart inside the file system renders as it does from disk.
func TestArchiveSubchartInMapFS(t *testing.T) {
	m := treeFS(t, fixtures(t), "umbrella")
	const tgz = "umbrella/charts/dbchart-0.2.0.tgz"
	m[tgz] = &fstest.MapFile{Data: archiveBytes(t, filepath.Join(fixtures(t), "archives", "dbchart")), Mode: 0o644}
	vs := renderAt(t, "/nonexistent", "umbrella", render.Options{KubeVersion: "1.34.0", FS: m})
	v := vs[0]
	if v.Err != nil {
		t.Fatalf("Err = %v", v.Err)
	}
	want := []string{
		"CustomResourceDefinition backups.db.example.com " + tgz + "#0",
		"StatefulSet release-name-dbchart " + tgz + "#0",
		"ConfigMap release-name-umbrella umbrella/templates/cm.yaml#0",
	}
	if got := summary(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("objects:\n got %q\nwant %q", got, want)
	}
	sts := find(t, v, "StatefulSet", "release-name-dbchart")
	if got := sts.Locator.Locate(render.MustPath("spec.replicas")); got.File != tgz || got.Line != 1 {
		t.Errorf("Locate = %s:%d, want %s:1", got.File, got.Line, tgz)
	}
	vct := sts.Raw["spec"].(map[string]any)["volumeClaimTemplates"].([]any)[0].(map[string]any)
	if got := vct["spec"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)["storage"]; got != "5Gi" {
		t.Errorf("storage = %v, want the parent's 5Gi", got)
	}
}

const (
	ignoreChartYAML = "apiVersion: v2\nname: ign\nversion: 1.0.0\n"
	cmTemplate      = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"
	// filesTemplate lists what .Files sees.
	filesTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: files
data:
  {{- $m := dict }}
  {{- range $p, $_ := .Files.Glob "**" }}{{ $_ := set $m $p ($.Files.Get $p) }}{{ end }}
  glob: {{ toJson $m }}
`
)

// ignoreChart is a chart whose .helmignore and Helm's default rule skip
// files, folders and templates.
func ignoreChart() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	return fstest.MapFS{
		"ign/Chart.yaml":  file(ignoreChartYAML),
		"ign/values.yaml": file("a: 1\n"),
		"ign/.helmignore": file("# editor files\n*.bak\nscratch/\n/notes.txt\ntemplates/skip.yaml\n"),
		// Rendered.
		"ign/templates/files.yaml": file(filesTemplate),
		// Helm's default rule templates/.?* only covers templates/ itself.
		"ign/templates/sub/.dotted.yaml": file(fmt.Sprintf(cmTemplate, "dotted")),
		// Ignored.
		"ign/templates/skip.yaml":    file(fmt.Sprintf(cmTemplate, "skip")),
		"ign/templates/.hidden.yaml": file(fmt.Sprintf(cmTemplate, "hidden")),
		"ign/templates/old.yaml.bak": file(fmt.Sprintf(cmTemplate, "bak")),
		"ign/scratch/templates.yaml": file("x"),
		"ign/notes.txt":              file("root notes"),
		"ign/files/a.bak":            file("backup"),
		// Kept: /notes.txt is anchored at the chart folder.
		"ign/files/notes.txt": file("kept notes"),
		"ign/files/a.txt":     file("\xEF\xBB\xBFbom"),
		// A subchart's own .helmignore is not read by Helm.
		"ign/charts/sub/Chart.yaml":        file("apiVersion: v2\nname: sub\nversion: 1.0.0\n"),
		"ign/charts/sub/.helmignore":       file("*.yaml\n"),
		"ign/charts/sub/templates/cm.yaml": file(fmt.Sprintf(cmTemplate, "sub")),
		"ign/charts/sub/templates/x.bak":   file(fmt.Sprintf(cmTemplate, "subbak")),
		// charts/ entries starting with _ or . are not charts.
		"ign/charts/_skip/Chart.yaml": file("not: [yaml"),
	}
}

func TestHelmignore(t *testing.T) {
	vs := renderAt(t, "/nonexistent", "ign", render.Options{FS: ignoreChart()})
	v := vs[0]
	if v.Err != nil {
		t.Fatalf("Err = %v", v.Err)
	}
	want := []string{
		"ConfigMap sub ign/charts/sub/templates/cm.yaml#0",
		"ConfigMap files ign/templates/files.yaml#0",
		"ConfigMap dotted ign/templates/sub/.dotted.yaml#0",
	}
	if got := summary(v); !reflect.DeepEqual(got, want) {
		t.Errorf("objects:\n got %q\nwant %q", got, want)
	}
	glob := find(t, v, "ConfigMap", "files").Raw["data"].(map[string]any)["glob"]
	wantGlob := map[string]any{
		".helmignore":     "# editor files\n*.bak\nscratch/\n/notes.txt\ntemplates/skip.yaml\n",
		"files/a.txt":     "bom", // the UTF-8 BOM is dropped, as Helm does
		"files/notes.txt": "kept notes",
	}
	if !reflect.DeepEqual(glob, wantGlob) {
		t.Errorf(".Files.Glob = %q, want %q", glob, wantGlob)
	}
}

// The files read through the file system are exactly those Helm's own
// directory loader reads from disk for the same chart.
func TestLoaderMatchesHelm(t *testing.T) {
	root := t.TempDir()
	for name, f := range ignoreChart() {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Symlinks inside the chart, to a file and to a folder.
	for link, target := range map[string]string{"ign/files/link.txt": "notes.txt", "ign/linked": "files"} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	// Helm logs every symlink it follows.
	logger := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	want, err := chartloader.LoadDir(filepath.Join(root, "ign"))
	slog.SetDefault(logger)
	if err != nil {
		t.Fatal(err)
	}
	for _, fsys := range []struct {
		name string
		fsys fs.FS
	}{{"os.Root", nil}, {"os.DirFS", os.DirFS(root)}, {"MapFS", treeFS(t, root, "ign")}} {
		t.Run(fsys.name, func(t *testing.T) {
			opts := render.Options{Root: root, FS: fsys.fsys}
			repo, err := opts.RepoFS()
			if err != nil {
				t.Fatal(err)
			}
			l, err := loadChart(context.Background(), repo, "ign")
			if err != nil {
				t.Fatal(err)
			}
			if a, b := chartContents(want), chartContents(l.chart); !reflect.DeepEqual(a, b) {
				t.Errorf("loaded files differ from Helm's:\n got %q\nwant %q", b, a)
			}
		})
	}
}

// chartContents lists every file of a chart tree as "chart: kind name=data".
func chartContents(c *chartv2.Chart) []string {
	var out []string
	var walk func(prefix string, c *chartv2.Chart)
	walk = func(prefix string, c *chartv2.Chart) {
		prefix = path.Join(prefix, c.Name())
		for kind, files := range map[string][]*common.File{"raw": c.Raw, "template": c.Templates, "file": c.Files} {
			for _, f := range files {
				out = append(out, fmt.Sprintf("%s: %s %s=%q", prefix, kind, f.Name, f.Data))
			}
		}
		out = append(out, fmt.Sprintf("%s: values %v schema %q", prefix, c.Values, c.Schema))
		for _, d := range c.Dependencies() {
			walk(prefix, d)
		}
	}
	walk("", c)
	sort.Strings(out)
	return out
}

func TestChartSizeBudget(t *testing.T) {
	old := archive.MaxDecompressedChartSize
	archive.MaxDecompressedChartSize = 64
	t.Cleanup(func() { archive.MaxDecompressedChartSize = old })
	_, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: "ign"}, render.Options{FS: ignoreChart()})
	if want := "ign: chart exceeds maximum decompressed size of 64 bytes"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// File-system oddities that only an in-memory tree makes easy.
func TestChartFileErrors(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
	}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"irregular file", fstest.MapFS{"c/files/pipe": {Mode: fs.ModeNamedPipe}},
			"c/files/pipe: cannot load irregular file as it has file mode type bits set"},
		{"dangling symlink", fstest.MapFS{"c/files/gone": link("nowhere.txt")},
			"c/files/gone: symlink target does not exist"},
		{"symlink loop", fstest.MapFS{"c/templates/loop": link("..")},
			"c/templates/loop: symlink loop: it leads to a folder that contains it"},
		{"symlink cycle", fstest.MapFS{"c/files/a": link("b"), "c/files/b": link("a")},
			"c/files/a: cannot read: too many levels of symbolic links"},
		{"escape through ..", fstest.MapFS{"c/files/up": link("../../../etc/passwd")},
			"c/files/up: symlink points outside the repository; prodlint does not follow it"},
		{"escape absolute", fstest.MapFS{"c/files/abs": link("/etc/passwd")},
			"c/files/abs: symlink points outside the repository; prodlint does not follow it"},
		{"bad .helmignore", fstest.MapFS{"c/.helmignore": {Data: []byte("a/**/b\n")}},
			"c/.helmignore: double-star (**) syntax is not supported"},
		{"apiVersion v3", fstest.MapFS{"c/Chart.yaml": {Data: []byte("apiVersion: v3\nname: c\nversion: 1.0.0\n")}},
			"c/Chart.yaml: chart apiVersion v3 is not supported; use apiVersion v2"},
		{"not a folder", fstest.MapFS{"c": {Data: []byte("x")}}, "c: chart folder not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.files["c"]; !ok {
				if _, ok := tt.files["c/Chart.yaml"]; !ok {
					tt.files["c/Chart.yaml"] = &fstest.MapFile{Data: []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")}
				}
				tt.files["c/templates/cm.yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(cmTemplate, "cm"))}
			}
			_, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: "c"}, render.Options{FS: tt.files})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
