package helm

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/render"
)

const secret = "TOPSECRET-7f3a"

// leakTemplate asks .Files for everything it can see, including paths that
// would leave the chart.
const leakTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: files
data:
  get: {{ .Files.Get "files/leak.txt" | quote }}
  up: {{ .Files.Get "../../../secret.txt" | quote }}
  abs: {{ .Files.Get (printf "%s/secret.txt" .Values.tmp) | quote }}
  shared: {{ .Files.Get "files/shared.txt" | quote }}
  {{- $m := dict }}
  {{- range $p, $_ := .Files.Glob "**" }}{{ $_ := set $m $p ($.Files.Get $p) }}{{ end }}
  glob: {{ toJson $m }}
`

// secretLayout builds, in a temporary folder, a secret file and folder next
// to a repository that holds the chart charts/web, and returns the folder
// and the repository root:
//
//	tmp/secret.txt, tmp/secret-dir/key.txt, tmp/evil-chart/ (a chart)
//	tmp/repo/shared/{config.txt,tpl.yaml}
//	tmp/repo/charts/web/{Chart.yaml,templates/files.yaml,files/plain.txt}
func secretLayout(t *testing.T) (tmp, repo string) {
	t.Helper()
	tmp = t.TempDir()
	repo = filepath.Join(tmp, "repo")
	files := map[string]string{
		"secret.txt":                           secret + "\n",
		"secret-dir/key.txt":                   secret + "-dir\n",
		"evil-chart/Chart.yaml":                "apiVersion: v2\nname: evil\nversion: 1.0.0\n",
		"evil-chart/templates/cm.yaml":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evil\ndata:\n  s: " + secret + "\n",
		"repo/shared/config.txt":               "shared-config\n",
		"repo/shared/tpl.yaml":                 fmt.Sprintf(cmTemplate, "linked"),
		"repo/charts/web/Chart.yaml":           "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"repo/charts/web/values.yaml":          "tmp: " + tmp + "\n",
		"repo/charts/web/templates/files.yaml": leakTemplate,
		"repo/charts/web/files/plain.txt":      "plain\n",
	}
	for name, text := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tmp, repo
}

// repoFileSystems are the ways a repository reaches the renderer: the work
// tree through os.Root (Options.FS nil), a file system that would follow any
// symlink (os.DirFS), and an in-memory tree like a git revision's.
func repoFileSystems(t *testing.T, repo string) []struct {
	name string
	fsys fs.FS
} {
	return []struct {
		name string
		fsys fs.FS
	}{{"os.Root", nil}, {"os.DirFS", os.DirFS(repo)}, {"MapFS", treeFS(t, repo, ".")}}
}

// A symlink in a chart that leads outside the repository is refused with one
// line naming the link; the secret it points to never appears in an object,
// an error or a note.
func TestSymlinksOutsideTheRepository(t *testing.T) {
	const refused = ": symlink points outside the repository; prodlint does not follow it"
	tests := []struct {
		name    string
		links   map[string]string // repository path -> target; "TMP" is the temporary folder
		dir     string
		variant string
		want    string // error of Render, or of the variant when variant is set
		objects []string
	}{
		{name: "relative file in files/", links: map[string]string{"charts/web/files/leak.txt": "../../../../secret.txt"},
			want: "charts/web/files/leak.txt" + refused},
		{name: "absolute file in templates/", links: map[string]string{"charts/web/templates/leak.yaml": "TMP/secret.txt"},
			want: "charts/web/templates/leak.yaml" + refused},
		{name: "folder", links: map[string]string{"charts/web/files/outside": "../../../../secret-dir"},
			want: "charts/web/files/outside" + refused},
		{name: "chain of links", links: map[string]string{"charts/web/files/a.txt": "b.txt", "charts/web/files/b.txt": "../../../../secret.txt"},
			want: "charts/web/files/a.txt" + refused},
		{name: "through a folder link", links: map[string]string{"charts/web/files/up": "../..", "charts/web/files/leak.txt": "up/../../secret.txt"},
			want: "charts/web/files/leak.txt" + refused},
		{name: ".helmignore", links: map[string]string{"charts/web/.helmignore": "../../../secret.txt"},
			want: "charts/web/.helmignore" + refused},
		{name: "chart folder", links: map[string]string{"charts/evil": "../../evil-chart"}, dir: "charts/evil",
			want: "charts/evil" + refused},
		{name: "values file", links: map[string]string{"values/leak.yaml": "TMP/secret.txt"}, variant: "../../values/leak.yaml",
			want: "values/leak.yaml" + refused},
		// Helm would not load an ignored path either: the chart renders.
		{name: "ignored", links: map[string]string{"charts/web/files/leak.txt": "../../../../secret.txt", "charts/web/.helmignore": "../../shared/ignore"},
			objects: []string{"ConfigMap files charts/web/templates/files.yaml#0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp, repo := secretLayout(t)
			if err := os.WriteFile(filepath.Join(repo, "shared", "ignore"), []byte("leak.txt\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for link, target := range tt.links {
				p := filepath.Join(repo, filepath.FromSlash(link))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(strings.ReplaceAll(target, "TMP", tmp), p); err != nil {
					t.Fatal(err)
				}
			}
			dir := tt.dir
			if dir == "" {
				dir = "charts/web"
			}
			var variants []string
			if tt.variant != "" {
				variants = []string{tt.variant}
			}
			for _, fsys := range repoFileSystems(t, repo) {
				t.Run(fsys.name, func(t *testing.T) {
					vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: dir, Variants: variants},
						render.Options{Root: repo, FS: fsys.fsys})
					var seen []string
					if err != nil {
						seen = append(seen, err.Error())
					}
					for _, v := range vs {
						if v.Err != nil {
							seen = append(seen, v.Err.Error())
						}
						seen = append(seen, v.Notes...)
						for _, o := range v.Objects {
							seen = append(seen, fmt.Sprint(o.Raw), o.File)
						}
					}
					for _, s := range seen {
						if strings.Contains(s, secret) || strings.Contains(s, "secret.txt") || strings.Contains(s, "secret-dir") {
							t.Errorf("the secret leaked: %q", s)
						}
						if strings.Contains(s, tmp) {
							t.Errorf("an absolute path leaked: %q", s)
						}
					}
					switch {
					case tt.variant != "":
						if err != nil {
							t.Fatal(err)
						}
						if got := fmt.Sprint(vs[1].Err); got != tt.want {
							t.Errorf("variant Err = %s, want %s", got, tt.want)
						}
						if vs[0].Err != nil {
							t.Errorf("default variant Err = %v", vs[0].Err)
						}
					case tt.want != "":
						if err == nil || err.Error() != tt.want {
							t.Errorf("err = %v, want %s", err, tt.want)
						}
					default:
						if err != nil {
							t.Fatal(err)
						}
						if vs[0].Err != nil {
							t.Fatalf("variant Err = %v", vs[0].Err)
						}
						if got := summary(vs[0]); !reflect.DeepEqual(got, tt.objects) {
							t.Errorf("objects = %q, want %q", got, tt.objects)
						}
					}
				})
			}
		})
	}
}

// Symlinks that stay inside the repository are followed, as Helm follows
// them: to a file, to a template and to a folder outside the chart.
func TestSymlinksInsideTheRepository(t *testing.T) {
	_, repo := secretLayout(t)
	for link, target := range map[string]string{
		"charts/web/files/shared.txt":      "../../../shared/config.txt",
		"charts/web/templates/linked.yaml": "../../../shared/tpl.yaml",
		"charts/web/files/dir":             "../../../shared",
		"charts/alias":                     "web",
	} {
		if err := os.Symlink(target, filepath.Join(repo, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	for _, fsys := range repoFileSystems(t, repo) {
		t.Run(fsys.name, func(t *testing.T) {
			vs := renderAt(t, repo, "charts/web", render.Options{FS: fsys.fsys})
			v := vs[0]
			if v.Err != nil {
				t.Fatalf("Err = %v", v.Err)
			}
			want := []string{"ConfigMap files charts/web/templates/files.yaml#0", "ConfigMap linked charts/web/templates/linked.yaml#0"}
			if got := summary(v); !reflect.DeepEqual(got, want) {
				t.Errorf("objects = %q, want %q", got, want)
			}
			data := find(t, v, "ConfigMap", "files").Raw["data"].(map[string]any)
			wantData := map[string]any{
				"get": "", "up": "", "abs": "", "shared": "shared-config\n",
				"glob": map[string]any{
					"files/dir/config.txt": "shared-config\n",
					"files/dir/tpl.yaml":   fmt.Sprintf(cmTemplate, "linked"),
					"files/plain.txt":      "plain\n",
					"files/shared.txt":     "shared-config\n",
				},
			}
			if !reflect.DeepEqual(data, wantData) {
				t.Errorf("data = %q, want %q", data, wantData)
			}
			linked := find(t, v, "ConfigMap", "linked")
			if got := linked.Locator.Locate(render.MustPath("metadata.name")); got.File != "charts/web/templates/linked.yaml" || got.Line != 4 {
				t.Errorf("Locate = %s:%d, want charts/web/templates/linked.yaml:4", got.File, got.Line)
			}
			// A chart folder reached through a symlink is named as asked.
			alias := renderAt(t, repo, "charts/alias", render.Options{FS: fsys.fsys})
			if alias[0].Err != nil {
				t.Fatalf("alias Err = %v", alias[0].Err)
			}
			want = []string{"ConfigMap files charts/alias/templates/files.yaml#0", "ConfigMap linked charts/alias/templates/linked.yaml#0"}
			if got := summary(alias[0]); !reflect.DeepEqual(got, want) {
				t.Errorf("alias objects = %q, want %q", got, want)
			}
		})
	}
}
