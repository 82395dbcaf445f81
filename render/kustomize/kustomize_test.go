package kustomize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prodlint/prodlint/render"
)

// fixtures is the repository root of the test fixtures.
var fixtures = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "render", "kustomize"))
	if err != nil {
		panic(err)
	}
	return p
}()

func TestMain(m *testing.M) {
	GuardNetwork()
	os.Exit(m.Run())
}

// renderDir renders the kustomization in dir (relative to root).
func renderDir(t *testing.T, root, dir string) *render.Variant {
	t.Helper()
	vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: dir}, render.Options{Root: root})
	if err != nil {
		t.Fatalf("Render(%s): %v", dir, err)
	}
	if len(vs) != 1 || vs[0].Name != "" {
		t.Fatalf("Render(%s): want one default variant, got %d", dir, len(vs))
	}
	return vs[0]
}

// renderOK renders a fixture that must build.
func renderOK(t *testing.T, dir string) []*render.Object {
	t.Helper()
	v := renderDir(t, fixtures, dir)
	if v.Err != nil {
		t.Fatalf("Render(%s): %v", dir, v.Err)
	}
	return v.Objects
}

// obj is the expected identity and provenance of a rendered object.
type obj struct {
	ref, file, generated string
	doc                  int
}

func checkObjects(t *testing.T, objs []*render.Object, want []obj) {
	t.Helper()
	if len(objs) != len(want) {
		var got []string
		for _, o := range objs {
			got = append(got, o.Ref())
		}
		t.Fatalf("got %d objects %q, want %d", len(objs), got, len(want))
	}
	for i, w := range want {
		o := objs[i]
		if o.Ref() != w.ref || o.File != w.file || o.Generated != w.generated || o.Doc != w.doc {
			t.Errorf("object %d = %s file=%s doc=%d generated=%q; want %s file=%s doc=%d generated=%q",
				i, o.Ref(), o.File, o.Doc, o.Generated, w.ref, w.file, w.doc, w.generated)
		}
		if o.Locator == nil || o.Node == nil || o.Raw == nil {
			t.Errorf("object %d (%s) lacks Locator, Node or Raw", i, o.Ref())
		}
	}
}

// loc is an expected location: file:line:col.
type loc struct {
	path string
	want string
}

func checkLocs(t *testing.T, o *render.Object, locs []loc) {
	t.Helper()
	for _, l := range locs {
		got := o.Locator.Locate(render.MustPath(l.path))
		if s := fmt.Sprintf("%s:%d:%d", got.File, got.Line, got.Col); s != l.want {
			t.Errorf("%s: Locate(%s) = %s, want %s", o.Ref(), l.path, s, l.want)
		}
	}
}

func find(t *testing.T, objs []*render.Object, ref string) *render.Object {
	t.Helper()
	for _, o := range objs {
		if o.Ref() == ref {
			return o
		}
	}
	t.Fatalf("no object %s", ref)
	return nil
}

const (
	base      = "app/base/"
	prod      = "app/overlays/prod/"
	staging   = "app/overlays/staging/"
	component = "app/components/pdb/"
)

func TestBase(t *testing.T) {
	objs := renderOK(t, "app/base")
	checkObjects(t, objs, []obj{
		{ref: "Deployment web", file: base + "deployment.yaml"},
		{ref: "Service web", file: base + "service.yaml"},
		{ref: "ConfigMap web-config-75kk9t4hbk", file: base + "kustomization.yaml", generated: "configMapGenerator in app/base/kustomization.yaml"},
		{ref: "Secret web-secret-2667khd8hb", file: base + "kustomization.yaml", generated: "secretGenerator in app/base/kustomization.yaml"},
	})
	checkLocs(t, objs[0], []loc{
		{"metadata.name", base + "deployment.yaml:4:3"},
		{"spec.replicas", base + "deployment.yaml:8:3"},
		{"spec.template.spec.containers[name=web].image", base + "deployment.yaml:19:11"},
		// Missing fields: the container's "- name:" line, or the kind line
		// below the spine (render.FindNode semantics).
		{"spec.template.spec.containers[name=web].securityContext", base + "deployment.yaml:18:11"},
		{"spec.template.spec.securityContext", base + "deployment.yaml:2:1"},
		// Labels added by the kustomization point at the label entry.
		{`metadata.labels["app.kubernetes.io/part-of"]`, base + "kustomization.yaml:8:7"},
		// labels without includeTemplates do not reach the pod template.
		{`spec.template.metadata.labels["app.kubernetes.io/part-of"]`, base + "deployment.yaml:14:7"},
		{"metadata.labels.app", base + "deployment.yaml:6:5"},
	})
	checkLocs(t, objs[1], []loc{
		{"spec.ports[0].port", base + "service.yaml:10:7"},
		{"kind", base + "service.yaml:3:1"},
	})
	// Generated objects point at their generator entry, and data keys at
	// the literal or file that made them.
	checkLocs(t, objs[2], []loc{
		{"metadata.name", base + "kustomization.yaml:10:5"},
		{"data.LOG_LEVEL", base + "kustomization.yaml:14:9"},
		{`data["app.properties"]`, base + "kustomization.yaml:12:9"},
		{"data.missing", base + "kustomization.yaml:10:5"},
	})
	checkLocs(t, objs[3], []loc{
		{"data.API_TOKEN", base + "kustomization.yaml:18:9"},
		{"type", base + "kustomization.yaml:16:5"},
	})
}

func TestProdOverlay(t *testing.T) {
	objs := renderOK(t, "app/overlays/prod")
	checkObjects(t, objs, []obj{
		{ref: "Deployment prod/prod-web", file: base + "deployment.yaml"},
		{ref: "Service prod/prod-web", file: base + "service.yaml"},
		{ref: "ConfigMap prod/prod-web-config-58cgkfc69f", file: base + "kustomization.yaml", generated: "configMapGenerator in app/base/kustomization.yaml"},
		{ref: "Secret prod/prod-web-secret-2667khd8hb", file: base + "kustomization.yaml", generated: "secretGenerator in app/base/kustomization.yaml"},
		{ref: "PodDisruptionBudget prod/prod-web", file: component + "pdb.yaml"},
	})
	d := objs[0]
	if got := d.Raw["spec"].(map[string]any)["replicas"]; got != 3 {
		t.Errorf("replicas = %v, want 3 from the patch", got)
	}
	checkLocs(t, d, []loc{
		// The original name, before namePrefix.
		{"metadata.name", base + "deployment.yaml:4:3"},
		{"metadata.namespace", prod + "kustomization.yaml:4:1"},
		// Fields set by the overlay's strategic-merge patch.
		{"spec.replicas", prod + "deployment-patch.yaml:6:3"},
		{"spec.template.spec.containers[name=web].resources.limits.memory", prod + "deployment-patch.yaml:13:15"},
		{"spec.template.spec.containers[name=web].resources", prod + "deployment-patch.yaml:11:11"},
		{"spec.template.spec.containers[0].resources", prod + "deployment-patch.yaml:11:11"},
		// Set by the component's inline patch (a literal block).
		{"spec.template.spec.terminationGracePeriodSeconds", component + "kustomization.yaml:14:13"},
		// Not patched: the base.
		{"spec.template.spec.containers[name=web].image", base + "deployment.yaml:19:11"},
		{"spec.template.spec.containers[name=web]", base + "deployment.yaml:18:11"},
		{"spec.template.spec.containers[name=web].resources.requests", base + "deployment.yaml:18:11"},
		{"spec.template.spec.containers[name=sidecar].securityContext", base + "deployment.yaml:27:11"},
		{"spec", base + "deployment.yaml:7:1"},
	})
	checkLocs(t, objs[1], []loc{
		{"metadata.namespace", prod + "kustomization.yaml:4:1"},
		{"spec.ports[0].targetPort", base + "service.yaml:11:7"},
	})
	checkLocs(t, objs[2], []loc{
		{"data.LOG_LEVEL", prod + "kustomization.yaml:15:9"}, // behavior: merge
		{`data["app.properties"]`, base + "kustomization.yaml:12:9"},
	})
	checkLocs(t, objs[4], []loc{
		{"spec.minAvailable", component + "pdb.yaml:6:3"},
		{"metadata.name", component + "pdb.yaml:4:3"},
	})
}

func TestStagingOverlay(t *testing.T) {
	objs := renderOK(t, "app/overlays/staging")
	checkObjects(t, objs, []obj{
		{ref: "Deployment web", file: base + "deployment.yaml"},
		{ref: "Service web", file: base + "service.yaml"},
		{ref: "ConfigMap web-config-75kk9t4hbk", file: base + "kustomization.yaml", generated: "configMapGenerator in app/base/kustomization.yaml"},
		{ref: "Secret web-secret-2667khd8hb", file: base + "kustomization.yaml", generated: "secretGenerator in app/base/kustomization.yaml"},
		{ref: "Secret web-tls-f55f97c747", file: staging + "kustomization.yaml", generated: "secretGenerator in app/overlays/staging/kustomization.yaml"},
	})
	checkLocs(t, objs[0], []loc{
		// images and replicas transformers.
		{"spec.template.spec.containers[name=web].image", staging + "kustomization.yaml:12:5"}, // the newTag line of the images entry
		{"spec.replicas", staging + "kustomization.yaml:15:5"},                                 // the count line of the replicas entry
		// JSON 6902 operations: the op's path line, or the node in its value.
		{"spec.template.spec.containers[name=web].securityContext", staging + "json-patch.yaml:2:3"},
		{"spec.template.spec.containers[name=web].securityContext.runAsNonRoot", staging + "json-patch.yaml:4:5"},
		{"spec.template.spec.containers[name=web].securityContext.privileged", staging + "json-patch.yaml:2:3"},
		{"spec.template.spec.containers[name=sidecar].image", staging + "json-patch.yaml:7:3"},
		{"spec.template.spec.containers[name=sidecar].args", base + "deployment.yaml:29:11"},
		// commonAnnotations.
		{"metadata.annotations.team", staging + "kustomization.yaml:17:3"},
	})
	ann := objs[0].Raw["metadata"].(map[string]any)["annotations"].(map[string]any)
	if len(ann) != 1 || ann["team"] != "storefront" {
		t.Errorf("annotations = %v, want only team", ann)
	}
	checkLocs(t, objs[4], []loc{
		{`data["tls.crt"]`, staging + "kustomization.yaml:21:9"},
		{"data.DB_NAME", staging + "secrets/db.env:3:1"},
		{"metadata.name", staging + "kustomization.yaml:19:5"},
	})
}

// TestNameCollision checks that documents are matched through the name
// prefix: base "web" renders as prod-web and base "prod-web" as
// prod-prod-web. It also covers patchesStrategicMerge and List items.
func TestNameCollision(t *testing.T) {
	objs := renderOK(t, "collide/overlay")
	const b = "collide/base/"
	checkObjects(t, objs, []obj{
		{ref: "Deployment prod-prod-web", file: b + "deployments.yaml", doc: 0},
		{ref: "Deployment prod-web", file: b + "deployments.yaml", doc: 1},
		{ref: "ConfigMap prod-first", file: b + "configmaps.yaml"},
		{ref: "ConfigMap prod-second", file: b + "configmaps.yaml"},
	})
	checkLocs(t, objs[0], []loc{
		{"metadata.name", b + "deployments.yaml:4:3"},
		{"spec.replicas", b + "deployments.yaml:6:3"},
	})
	checkLocs(t, objs[1], []loc{
		{"metadata.name", b + "deployments.yaml:16:3"},
		{"spec.replicas", "collide/overlay/replicas-patch.yaml:6:3"},
	})
	checkLocs(t, objs[3], []loc{{"data.b", b + "configmaps.yaml:15:7"}})
}

func TestKustomizationFileNames(t *testing.T) {
	for _, dir := range []string{"names/yml", "names/capital"} {
		objs := renderOK(t, dir)
		checkObjects(t, objs, []obj{{ref: "Service api", file: dir + "/service.yaml"}})
	}
}

// TestOutsideRepository renders with a repository root below the base's
// folder: the base exists on disk, but prodlint reads only the repository,
// so the entry that leads out is an error naming the kustomization file and
// its line.
func TestOutsideRepository(t *testing.T) {
	root := filepath.Join(fixtures, "outside", "repo")
	v := renderDir(t, root, "overlay")
	var fe *render.FileError
	if !errors.As(v.Err, &fe) {
		t.Fatalf("Err = %v (%T), want a *render.FileError", v.Err, v.Err)
	}
	want := `overlay/kustomization.yaml:2: resources entry "../../shared-base": outside the repository; prodlint reads only files inside it`
	if fe.Error() != want {
		t.Errorf("Err = %v\nwant %s", fe, want)
	}
	if len(v.Objects) != 0 {
		t.Errorf("got %d objects from outside the repository", len(v.Objects))
	}
}

func TestOriginAnnotationsRemoved(t *testing.T) {
	for _, dir := range []string{"app/base", "app/overlays/prod", "app/overlays/staging"} {
		for _, o := range renderOK(t, dir) {
			md := o.Raw["metadata"].(map[string]any)
			ann, has := md["annotations"].(map[string]any)
			if has && len(ann) == 0 {
				t.Errorf("%s %s: empty annotations left", dir, o.Ref())
			}
			for k := range ann {
				if strings.Contains(k, "config.kubernetes.io") {
					t.Errorf("%s %s: annotation %s left", dir, o.Ref(), k)
				}
			}
		}
	}
}

func TestUserFileUntouched(t *testing.T) {
	f := filepath.Join(fixtures, "app", "overlays", "prod", "kustomization.yaml")
	before, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	renderOK(t, "app/overlays/prod")
	after, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) || strings.Contains(string(after), "buildMetadata") {
		t.Error("the kustomization file changed")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		dir  string
		file string
		line int
		msg  string
	}{
		{"errors/remote/overlay", "errors/remote/base/kustomization.yaml", 3,
			`resources entry "github.com/example/platform//deploy/base?ref=v1.2.0" is remote`},
		{"errors/remote-http", "errors/remote-http/kustomization.yaml", 2,
			`resources entry "https://raw.githubusercontent.com/example/platform/main/deploy/service.yaml" is remote`},
		{"errors/remote-openapi", "errors/remote-openapi/kustomization.yaml", 4,
			`openapi path entry "https://example.com/openapi/schema.json" is remote`},
		{"errors/helm", "errors/helm/kustomization.yaml", 1, helmMessage},
		{"errors/rootonly/app", "errors/rootonly/app/kustomization.yaml", 3,
			`resources entry "../shared/configmap.yaml" is outside the kustomization root errors/rootonly/app; ` +
				`kustomize only loads files in or below the kustomization's folder (load restrictions RootOnly): ` +
				`move the file into errors/rootonly/app, or make errors/rootonly/shared a base with its own kustomization.yaml ` +
				`and list the folder "../shared" under resources`},
		{"errors/invalid-yaml", "errors/invalid-yaml/kustomization.yaml", 4, "invalid YAML: mapping values are not allowed in this context"},
		{"errors/missing-resource", "errors/missing-resource/kustomization.yaml", 3,
			`resources entry "deployment.yaml": errors/missing-resource/deployment.yaml does not exist`},
		{"errors/bad-manifest", "errors/bad-manifest/service.yaml", 8, "invalid YAML: mapping values are not allowed in this context"},
		{"errors/unknown-field", "errors/unknown-field/kustomization.yaml", 5, `unknown kustomization field "commonLabel"`},
		{"errors/wrong-component", "errors/wrong-component/kustomization.yaml", 4,
			`components entry "../../app/base" is not a Component (kind: Component): list it under resources`},
		// Errors found by kustomize itself: one line, repository paths.
		{"errors/duplicate", "errors/duplicate/kustomization.yaml", 0,
			"kustomize build failed: merging resources from './service.yaml': may not add resource with an already registered id: Service.v1.[noGrp]/api.[noNs]"},
		{"errors/no-such-folder", "errors/no-such-folder", 0, "no kustomization.yaml, kustomization.yml or Kustomization in the folder"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			start := time.Now()
			v := renderDir(t, fixtures, tt.dir)
			elapsed := time.Since(start)
			var fe *render.FileError
			if !errors.As(v.Err, &fe) {
				t.Fatalf("Err = %v (%T), want a *render.FileError", v.Err, v.Err)
			}
			if fe.File != tt.file || fe.Line != tt.line || !strings.Contains(fe.Err.Error(), tt.msg) {
				t.Errorf("Err = %v\nwant %s:%d: …%s…", fe, tt.file, tt.line, tt.msg)
			}
			if strings.Contains(fe.Error(), fixtures) || strings.Contains(fe.Error(), "\n") {
				t.Errorf("Err is not one line with repository paths: %v", fe)
			}
			if len(v.Objects) != 0 {
				t.Errorf("got %d objects with an error", len(v.Objects))
			}
			if elapsed > time.Second {
				t.Errorf("failing render took %v", elapsed)
			}
		})
	}
}

// recorder is an http.RoundTripper that counts requests and never dials.
type recorder struct{ n atomic.Int32 }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.n.Add(1)
	return nil, fmt.Errorf("test transport: no network for %s", req.URL)
}

// TestNoNetwork renders remote bases with a transport that records every
// request: nothing may be attempted, and the failure must be immediate.
func TestNoNetwork(t *testing.T) {
	rec := &recorder{}
	saved := http.DefaultTransport
	http.DefaultTransport = rec
	defer func() { http.DefaultTransport = saved }()
	for _, dir := range []string{"errors/remote-http", "errors/remote/overlay", "errors/remote-openapi", "errors/helm"} {
		start := time.Now()
		v := renderDir(t, fixtures, dir)
		elapsed := time.Since(start)
		if v.Err == nil {
			t.Errorf("%s: rendered a remote base", dir)
		}
		if elapsed > time.Second {
			t.Errorf("%s: failing render took %v, want < 1s", dir, elapsed)
		}
		t.Logf("%s: failed in %v: %v", dir, elapsed, v.Err)
	}
	if n := rec.n.Load(); n != 0 {
		t.Errorf("%d HTTP requests were attempted", n)
	}
}

// TestGuardNetwork checks the second line of defence: with the pre-scan
// bypassed, kustomize's own HTTP fetch fails at the guard's transport and its
// git fallback is refused by GIT_ALLOW_PROTOCOL.
func TestGuardNetwork(t *testing.T) {
	GuardNetwork()
	if os.Getenv("GIT_ALLOW_PROTOCOL") != "none" || os.Getenv("GIT_TERMINAL_PROMPT") != "0" {
		t.Error("git environment not set")
	}
	_, err := http.Get("https://example.com/")
	if err == nil || !strings.Contains(err.Error(), "network access disabled") {
		t.Errorf("http.Get: err = %v, want network access disabled", err)
	}
	fsys := newRepoFS(os.DirFS(fixtures), fixtures)
	remote, err := readKustomization(fsys, "errors/remote-http", "kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr := &tree{fs: fsys, root: remote, all: map[string]*kustomization{remote.dir: remote}}
	start := time.Now()
	_, err = build(tr)
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "network access disabled") {
		t.Errorf("build: err = %v, want the guard's error", err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("guarded build took %v", elapsed)
	}
	t.Logf("guarded build failed in %v", elapsed)
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Renderer{}.Render(ctx, render.Target{Kind: render.Kustomize, Dir: "app/base"}, render.Options{Root: fixtures})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestRelativeRoot(t *testing.T) {
	_, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: "app/base"}, render.Options{Root: "testdata"})
	if err == nil {
		t.Error("a relative root was accepted")
	}
}

// TestConcurrent renders every fixture from several goroutines (run with
// -race) and checks that each render gives the same result as a sequential
// one.
func TestConcurrent(t *testing.T) {
	dirs := []string{"app/base", "app/overlays/prod", "app/overlays/staging", "collide/overlay", "names/yml", "errors/rootonly/app", "errors/bad-manifest"}
	paths := []string{"metadata.name", "metadata.namespace", "spec.replicas", "spec.template.spec.containers[name=web].image", "data.LOG_LEVEL"}
	summary := func(v *render.Variant) string {
		var b strings.Builder
		fmt.Fprintf(&b, "err=%v\n", v.Err)
		for _, o := range v.Objects {
			fmt.Fprintf(&b, "%s %s", o.Ref(), o.File)
			for _, p := range paths {
				fmt.Fprintf(&b, " %+v", o.Locator.Locate(render.MustPath(p)))
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	want := map[string]string{}
	for _, d := range dirs {
		want[d] = summary(renderDir(t, fixtures, d))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(dirs))
	for range 4 {
		for _, d := range dirs {
			wg.Go(func() {
				vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: d}, render.Options{Root: fixtures})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := summary(vs[0]); got != want[d] {
					errs <- fmt.Sprintf("%s: concurrent render differs:\n%s\nwant\n%s", d, got, want[d])
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
