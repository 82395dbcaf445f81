package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prodlint/prodlint/render"
)

// fixtures is the repository root the tests render from; targets are
// folders below it, so File values read "web/templates/x.yaml".
func fixtures(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("../../testdata/render/helm")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func renderAt(t *testing.T, root, dir string, opts render.Options, variants ...string) []*render.Variant {
	t.Helper()
	opts.Root = root
	vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: dir, Variants: variants}, opts)
	if err != nil {
		t.Fatalf("Render(%s): %v", dir, err)
	}
	if len(vs) != len(variants)+1 {
		t.Fatalf("Render(%s): %d variants, want %d", dir, len(vs), len(variants)+1)
	}
	return vs
}

func renderChart(t *testing.T, dir string, variants ...string) []*render.Variant {
	t.Helper()
	return renderAt(t, fixtures(t), dir, render.Options{KubeVersion: "1.34.0"}, variants...)
}

// summary lists the objects of a variant as "Kind name file#doc hook".
func summary(v *render.Variant) []string {
	var out []string
	for _, o := range v.Objects {
		s := fmt.Sprintf("%s %s %s#%d", o.Kind, o.Name, o.File, o.Doc)
		if o.Hook != "" {
			s += " hook=" + o.Hook
		}
		out = append(out, s)
	}
	return out
}

func find(t *testing.T, v *render.Variant, kind, name string) *render.Object {
	t.Helper()
	for _, o := range v.Objects {
		if o.Kind == kind && o.Name == name {
			return o
		}
	}
	t.Fatalf("variant %q: no %s %s in %q", v.Name, kind, name, summary(v))
	return nil
}

func TestRenderObjects(t *testing.T) {
	vs := renderChart(t, "web", "ci/prod-values.yaml")
	common := []string{
		"Deployment release-name-webapp web/templates/deployment.yaml#0",
		"Job release-name-migrate web/templates/hooks/migrate-job.yaml#0 hook=pre-install,pre-upgrade",
		"ConfigMap release-name-lookup web/templates/lookup.yaml#0",
		"Service release-name-webapp web/templates/multi.yaml#0",
		"PodDisruptionBudget release-name-webapp web/templates/multi.yaml#1",
		"ConfigMap release-name-a web/templates/multi.yaml#2",
		"ConfigMap release-name-b web/templates/multi.yaml#3",
		"Pod release-name-test web/templates/tests/test-connection.yaml#0 hook=test",
	}
	tests := []struct {
		variant int
		want    []string
	}{
		{0, append([]string{
			"CustomResourceDefinition widgets.example.com web/crds/widgets.yaml#0",
			"Deployment release-name-side web/charts/sidecar/templates/deployment.yaml#0",
		}, common...)},
		// The prod values enable the extras subchart (condition), whose CRD
		// and ConfigMap appear.
		{1, append([]string{
			"CustomResourceDefinition widgets.example.com web/crds/widgets.yaml#0",
			"CustomResourceDefinition gadgets.example.com web/charts/extras/crds/gadgets.yaml#0",
			"ConfigMap release-name-extras web/charts/extras/templates/cm.yaml#0",
			"Deployment release-name-side web/charts/sidecar/templates/deployment.yaml#0",
		}, common...)},
	}
	for _, tt := range tests {
		v := vs[tt.variant]
		t.Run(v.Name, func(t *testing.T) {
			if v.Err != nil {
				t.Fatalf("Err = %v", v.Err)
			}
			if got := summary(v); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("objects:\n got %q\nwant %q", got, tt.want)
			}
			wantNote := `web/templates/hooks/unknown.yaml: ConfigMap "release-name-unknown-hook" has unknown hook type "post-deploy"; Helm skips it`
			if !reflect.DeepEqual(v.Notes, []string{wantNote}) {
				t.Errorf("Notes = %q, want [%q]", v.Notes, wantNote)
			}
		})
	}
	if vs[0].Name != "" || vs[1].Name != "ci/prod-values.yaml" {
		t.Errorf("variant names %q, %q", vs[0].Name, vs[1].Name)
	}

	// Values reach the objects: the variant's own, the parent's override of
	// a subchart value, and the alias as the subchart's .Chart.Name.
	dep := find(t, vs[1], "Deployment", "release-name-webapp")
	if got := dep.Raw["spec"].(map[string]any)["replicas"]; got != 3 {
		t.Errorf("prod replicas = %v, want 3", got)
	}
	side := find(t, vs[0], "Deployment", "release-name-side")
	c := side.Raw["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if port := c["ports"].([]any)[0].(map[string]any)["containerPort"]; port != 9090 {
		t.Errorf("side containerPort = %v, want 9090 (parent override)", port)
	}
}

func TestLocate(t *testing.T) {
	vs := renderChart(t, "web", "ci/prod-values.yaml")
	const dep, multi = "web/templates/deployment.yaml", "web/templates/multi.yaml"
	tests := []struct {
		name      string
		variant   int
		kind, obj string
		path      string
		file      string
		line, col int
		endCol    int // 0: not checked
	}{
		// Absent field of a container: the container's "- name:" line.
		{"absent securityContext", 0, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].securityContext", dep, 22, 11, 44},
		// Present through with + toYaml: the securityContext: line.
		{"securityContext via toYaml", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].securityContext", dep, 25, 11, 27},
		// Content printed by toYaml or include maps to the action's line.
		{"toYaml last line", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].securityContext.runAsNonRoot", dep, 26, 13, 0},
		{"toYaml inner line", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].securityContext.readOnlyRootFilesystem", dep, 26, 13, 0},
		// "key: {{ toYaml . | nindent }}": the key's rendered line has no
		// marker (it follows the action's output), the key is found on the
		// template line.
		{"key before toYaml", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].resources", dep, 29, 11, 0},
		{"inside key before toYaml", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].resources.limits.memory", dep, 29, 11, 0},
		{"with block", 1, "Deployment", "release-name-webapp", "spec.template.metadata.annotations", dep, 17, 7, 0},
		{"range over map", 0, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=web].env[name=LOG_LEVEL].value", dep, 34, 15, 0},
		{"range over list", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=proxy].image", dep, 38, 11, 0},
		{"range item", 1, "Deployment", "release-name-webapp", "spec.template.spec.containers[name=proxy]", dep, 37, 11, 0},
		{"scalar", 0, "Deployment", "release-name-webapp", "spec.replicas", dep, 8, 3, 35},
		{"missing spine field", 0, "Deployment", "release-name-webapp", "spec.template.spec.nodeSelector", dep, 2, 1, 17},
		{"include nindent first line", 0, "Deployment", "release-name-webapp", `metadata.labels["app.kubernetes.io/name"]`, dep, 6, 5, 0},
		{"include nindent last line", 0, "Deployment", "release-name-webapp", `metadata.labels["app.kubernetes.io/instance"]`, dep, 6, 5, 0},
		{"if/else branch", 0, "PodDisruptionBudget", "release-name-webapp", "spec.maxUnavailable", multi, 18, 3, 20},
		{"if/else other branch", 1, "PodDisruptionBudget", "release-name-webapp", "spec.minAvailable", multi, 16, 3, 0},
		{"multi-document first", 0, "Service", "release-name-webapp", "spec.ports[0].port", multi, 7, 7, 0},
		{"range documents", 0, "ConfigMap", "release-name-b", "data.value", multi, 30, 3, 0},
		{"range document kind", 0, "ConfigMap", "release-name-b", "spec", multi, 26, 1, 0},
		{"subchart own file", 0, "Deployment", "release-name-side", "spec.template.spec.containers[name=side].securityContext", "web/charts/sidecar/templates/deployment.yaml", 9, 11, 0},
		{"subchart value", 0, "Deployment", "release-name-side", "spec.template.spec.containers[name=side].ports[0].containerPort", "web/charts/sidecar/templates/deployment.yaml", 12, 15, 0},
		{"hook", 0, "Job", "release-name-migrate", "spec.template.spec.containers[name=migrate].resources", "web/templates/hooks/migrate-job.yaml", 12, 11, 0},
		{"chart test", 0, "Pod", "release-name-test", "spec.containers[name=wget].args", "web/templates/tests/test-connection.yaml", 12, 7, 0},
		// CRDs are located exactly in their own files.
		{"crd", 0, "CustomResourceDefinition", "widgets.example.com", "spec.names.plural", "web/crds/widgets.yaml", 9, 5, 0},
		{"subchart crd", 1, "CustomResourceDefinition", "gadgets.example.com", "spec.scope", "web/charts/extras/crds/gadgets.yaml", 10, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := find(t, vs[tt.variant], tt.kind, tt.obj)
			got := o.Locator.Locate(render.MustPath(tt.path))
			if got.File != tt.file || got.Line != tt.line || got.Col != tt.col {
				t.Errorf("Locate(%s) = %s:%d:%d, want %s:%d:%d", tt.path, got.File, got.Line, got.Col, tt.file, tt.line, tt.col)
			}
			if tt.endCol != 0 && got.EndCol != tt.endCol {
				t.Errorf("Locate(%s) EndCol = %d, want %d", tt.path, got.EndCol, tt.endCol)
			}
			if got.EndLine != got.Line {
				t.Errorf("EndLine = %d, want %d", got.EndLine, got.Line)
			}
		})
	}
}

// writeArchive packs the chart folder src into a .tgz at dst, the way helm
// package lays it out (one top-level folder named after the chart).
func writeArchive(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, archiveBytes(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// archiveBytes packs the chart folder src as a .tgz in memory.
func archiveBytes(t *testing.T, src string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	top := filepath.Base(src)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := &tar.Header{Name: top + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b))}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestArchiveSubchart(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "umbrella"), os.DirFS(filepath.Join(fixtures(t), "umbrella"))); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "umbrella", "charts"), 0o755); err != nil {
		t.Fatal(err)
	}
	const tgz = "umbrella/charts/dbchart-0.2.0.tgz"
	writeArchive(t, filepath.Join(fixtures(t), "archives", "dbchart"), filepath.Join(root, filepath.FromSlash(tgz)))

	vs := renderAt(t, root, "umbrella", render.Options{KubeVersion: "1.34.0"})
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
	// Lines inside an archive are not on disk: the archive, line 1.
	for _, o := range v.Objects[:2] {
		got := o.Locator.Locate(render.MustPath("spec.template.spec.containers[name=db].image"))
		if got.File != tgz || got.Line != 1 {
			t.Errorf("%s: Locate = %s:%d, want %s:1", o.Ref(), got.File, got.Line, tgz)
		}
	}
	sts := find(t, v, "StatefulSet", "release-name-dbchart")
	vct := sts.Raw["spec"].(map[string]any)["volumeClaimTemplates"].([]any)[0].(map[string]any)
	if got := vct["spec"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)["storage"]; got != "5Gi" {
		t.Errorf("storage = %v, want the parent's 5Gi", got)
	}
	for _, o := range v.Objects {
		if strings.Contains(o.File, root) || filepath.IsAbs(o.File) {
			t.Errorf("File %q is not repository-relative", o.File)
		}
	}
}

func TestTargetErrors(t *testing.T) {
	tests := []struct {
		dir  string
		opts render.Options
		want string
	}{
		// The archive is built only by TestArchiveSubchart: here it is missing.
		{"umbrella", render.Options{}, `umbrella/Chart.yaml: missing dependency "dbchart" (not in charts/): run "helm dependency build umbrella"`},
		{"nope", render.Options{}, "nope: chart folder not found"},
		{"../outside", render.Options{}, "../outside: chart folder is outside the repository"},
		{"web", render.Options{KubeVersion: "one.two"}, `invalid Kubernetes version "one.two"`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			tt.opts.Root = fixtures(t)
			vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: tt.dir}, tt.opts)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want prefix %q", err, tt.want)
			}
			if vs != nil {
				t.Errorf("variants = %v, want none", vs)
			}
		})
	}
}

// Charts that the loader cannot read: the error names the file.
func TestUnreadableCharts(t *testing.T) {
	const chart = "apiVersion: v2\nname: broken\nversion: 1.0.0\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"invalid Chart.yaml", map[string]string{"Chart.yaml": "name: [broken\n"}, "charts/broken/Chart.yaml:1: invalid YAML: did not find expected ',' or ']'"},
		{"invalid values.yaml", map[string]string{"Chart.yaml": chart, "values.yaml": "a: 1\nb: [\n"}, "charts/broken/values.yaml:2: invalid YAML: did not find expected node content"},
		{"no Chart.yaml", map[string]string{"values.yaml": "a: 1\n"}, "charts/broken: cannot read chart: unable to detect chart at Chart.yaml"},
		{"no name", map[string]string{"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"}, "charts/broken: cannot load chart: validation: chart.metadata.name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "charts", "broken")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: "charts/broken"}, render.Options{Root: root})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want prefix %q", err, tt.want)
			}
			if strings.Contains(err.Error(), root) {
				t.Errorf("err %q names the absolute root", err)
			}
		})
	}
}

func TestVariantErrors(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		variant string
		want    string
		objects int
		prefix  bool // want is a prefix of the error
	}{
		{"schema violations", "web", "bad/negative-replicas.yaml",
			"web/values.schema.json: values (values.yaml, bad/negative-replicas.yaml) do not match the schema: - at '/replicas': minimum: got -1, want 0\n" +
				"web/charts/sidecar/values.schema.json: values (values.yaml, bad/negative-replicas.yaml) do not match the schema: - at '/port': got string, want integer", 0, false},
		{"invalid values YAML", "web", "bad/invalid.yaml", "web/bad/invalid.yaml:2: invalid YAML: did not find expected ',' or ']'", 0, false},
		{"missing values file", "web", "ci/nope-values.yaml", "web/ci/nope-values.yaml: values file not found", 0, false},
		{"required", "failing", "", "failing/templates/deployment.yaml:10:20: execution error: image.repository is required", 0, false},
		{"fail", "failing", "boom-values.yaml", "failing/templates/fail.yaml:2:4: execution error: boom is not supported", 0, false},
		// required inside an include: helm reports the including template.
		{"required in a helper", "failing", "helper-values.yaml", "failing/templates/helper.yaml:7:12: execution error: nested.value is required", 0, false},
		{"nil pointer", "failing", "nilptr-values.yaml", `failing/templates/nil.yaml:7:19: execution error: executing "failing/templates/nil.yaml" at <.Values.nope.deep.value>: nil pointer evaluating interface {}.deep`, 0, false},
		{"parse error", "parseerr", "", "parseerr/templates/cm.yaml:5: parse error: unclosed action started at parseerr/templates/cm.yaml:4", 0, false},
		{"kubeVersion", "kubever", "", `kubever/Chart.yaml: chart requires kubeVersion "<1.30.0-0", which Kubernetes v1.34.0 does not satisfy`, 0, false},
		// The other templates and documents are kept.
		{"invalid rendered YAML", "badyaml", "", "badyaml/templates/bad.yaml: invalid YAML in the rendered output (document 1, line 11 of the output): mapping values are not allowed in this context", 2, false},
		{"remote $ref", "remoteref", "", "remoteref/values.schema.json: cannot compile the schema: remote $ref https://schemas.example.com/image.json refused", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noNetwork(t)
			var variants []string
			if tt.variant != "" {
				variants = []string{tt.variant}
			}
			vs := renderAt(t, fixtures(t), tt.dir, render.Options{KubeVersion: "1.34.0"}, variants...)
			v := vs[len(vs)-1]
			if v.Err == nil {
				t.Fatalf("Err = nil, want %q (objects %q)", tt.want, summary(v))
			}
			got := v.Err.Error()
			if tt.prefix && !strings.HasPrefix(got, tt.want) || !tt.prefix && got != tt.want {
				t.Errorf("Err =\n%s\nwant\n%s", got, tt.want)
			}
			if len(v.Objects) != tt.objects {
				t.Errorf("objects = %q, want %d", summary(v), tt.objects)
			}
			if tt.dir == "web" && vs[0].Err != nil {
				t.Errorf("default variant failed too: %v", vs[0].Err)
			}
		})
	}
}

// noNetwork makes any HTTP request or DNS lookup through the default
// transport and resolver fail the test.
func noNetwork(t *testing.T) {
	oldTransport, oldResolver := http.DefaultTransport, net.DefaultResolver
	http.DefaultTransport = roundTripper(func(r *http.Request) (*http.Response, error) {
		t.Errorf("HTTP request to %s", r.URL)
		return nil, errors.New("network disabled in tests")
	})
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(_ context.Context, network, addr string) (net.Conn, error) {
		t.Errorf("dial %s %s", network, addr)
		return nil, errors.New("network disabled in tests")
	}}
	t.Cleanup(func() { http.DefaultTransport, net.DefaultResolver = oldTransport, oldResolver })
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNoNetworkGuard(t *testing.T) {
	// The guard itself must catch a lookup, or the tests using it prove
	// nothing.
	var dialed atomic.Bool
	old := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		dialed.Store(true)
		return nil, errors.New("network disabled in tests")
	}}
	_, _ = net.LookupHost("example.invalid")
	net.DefaultResolver = old
	if !dialed.Load() {
		t.Fatal("the resolver guard did not see the lookup")
	}
}

func TestLookupAndDNSAreOff(t *testing.T) {
	noNetwork(t)
	vs := renderAt(t, fixtures(t), "web", render.Options{
		KubeVersion: "1.34",
		Namespace:   "prod",
		APIVersions: []string{"policy/v1/PodDisruptionBudget"},
	})
	cm := find(t, vs[0], "ConfigMap", "release-name-lookup")
	want := map[string]any{"found": "no", "host": "", "kube": "v1.34.0", "pdb": "true"}
	if got := cm.Raw["data"]; !reflect.DeepEqual(got, want) {
		t.Errorf("data = %v, want %v", got, want)
	}
	if cm.Namespace != "prod" {
		t.Errorf("namespace = %q, want prod", cm.Namespace)
	}
}

func TestKubeVersionForms(t *testing.T) {
	for _, kv := range []string{"1.29", "1.29.0", "v1.29.0"} {
		t.Run(kv, func(t *testing.T) {
			vs := renderAt(t, fixtures(t), "kubever", render.Options{KubeVersion: kv})
			if vs[0].Err != nil {
				t.Fatalf("Err = %v", vs[0].Err)
			}
			cm := find(t, vs[0], "ConfigMap", "kubever")
			if got := cm.Raw["data"].(map[string]any)["version"]; got != "v1.29.0" {
				t.Errorf("KubeVersion.Version = %v, want v1.29.0", got)
			}
		})
	}
}

// Variants share the loaded chart: rendering one must not change another.
func TestVariantsAreIndependent(t *testing.T) {
	vs := renderChart(t, "web", "ci/prod-values.yaml", "bad/negative-replicas.yaml", "ci/prod-values.yaml")
	if a, b := summary(vs[1]), summary(vs[3]); !reflect.DeepEqual(a, b) {
		t.Errorf("prod rendered twice differs:\n%q\n%q", a, b)
	}
	again := renderChart(t, "web")
	if a, b := summary(vs[0]), summary(again[0]); !reflect.DeepEqual(a, b) {
		t.Errorf("default differs after other variants:\n%q\n%q", a, b)
	}
	for i, o := range vs[1].Objects {
		if !reflect.DeepEqual(o.Raw, vs[3].Objects[i].Raw) {
			t.Errorf("%s differs between identical variants", o.Ref())
		}
	}
}

func TestMarkedChartLeavesChartAlone(t *testing.T) {
	l, err := loadChart(context.Background(), os.DirFS(fixtures(t)), "web")
	if err != nil {
		t.Fatal(err)
	}
	mc := l.markedChart(cloneChart(l.chart))
	for _, tpl := range l.chart.Templates {
		if strings.Contains(string(tpl.Data), markerPrefix) {
			t.Errorf("%s: the loaded template was marked", tpl.Name)
		}
	}
	for _, d := range l.chart.Dependencies() {
		for _, tpl := range d.Templates {
			if strings.Contains(string(tpl.Data), markerPrefix) {
				t.Errorf("%s/%s: the loaded template was marked", d.Name(), tpl.Name)
			}
		}
	}
	marked := 0
	for _, d := range append(mc.Dependencies(), mc) {
		for _, tpl := range d.Templates {
			if strings.Contains(string(tpl.Data), markerPrefix) {
				marked++
			}
		}
	}
	if marked == 0 {
		t.Error("no template of the marked copy carries markers")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Renderer{}.Render(ctx, render.Target{Kind: render.Helm, Dir: "web"}, render.Options{Root: fixtures(t)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// A chart at the repository root: files are relative to it.
func TestChartAtRoot(t *testing.T) {
	vs := renderAt(t, filepath.Join(fixtures(t), "web"), ".", render.Options{})
	if vs[0].Err != nil {
		t.Fatalf("Err = %v", vs[0].Err)
	}
	o := find(t, vs[0], "Deployment", "release-name-side")
	if got := o.Locator.Locate(render.MustPath("spec.template.spec.containers[name=side].image")); got.File != "charts/sidecar/templates/deployment.yaml" || got.Line != 10 {
		t.Errorf("Locate = %s:%d, want charts/sidecar/templates/deployment.yaml:10", got.File, got.Line)
	}
	if crd := vs[0].Objects[0]; crd.File != "crds/widgets.yaml" {
		t.Errorf("CRD file = %q, want crds/widgets.yaml", crd.File)
	}
}
