package kustomize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/prodlint/prodlint/render"
)

// fixtureDirs are the fixture targets compared across file systems: the
// overlays and the failures, whose messages must not depend on the file
// system either.
var fixtureDirs = []string{
	"app/base", "app/overlays/prod", "app/overlays/staging", "collide/overlay",
	"names/yml", "names/capital",
	"errors/remote/overlay", "errors/remote-http", "errors/remote-openapi", "errors/helm",
	"errors/rootonly/app", "errors/invalid-yaml", "errors/missing-resource", "errors/bad-manifest",
	"errors/unknown-field", "errors/wrong-component", "errors/duplicate", "errors/no-such-folder",
}

// mapFixtures copies the fixture repository into memory.
func mapFixtures(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(fixtures, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(fixtures, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// renderFS renders dir from fsys, with root as the repository root.
func renderFS(t testing.TB, fsys fs.FS, root, dir string) *render.Variant {
	t.Helper()
	vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: dir}, render.Options{Root: root, FS: fsys})
	if err != nil {
		t.Fatalf("Render(%s): %v", dir, err)
	}
	return vs[0]
}

// objectPaths returns every path of the rendered object, mapping keys and
// list elements by index and by name, plus some paths that are missing.
func objectPaths(raw map[string]any) []render.Path {
	var out []render.Path
	var walk func(p render.Path, v any)
	walk = func(p render.Path, v any) {
		out = append(out, p)
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(p.Key(k), t[k])
			}
		case []any:
			for i, e := range t {
				walk(p.Index(i), e)
				if m, ok := e.(map[string]any); ok {
					if n, ok := m["name"].(string); ok {
						out = append(out, p.Where("name", n), p.Where("name", n).Key("securityContext"))
					}
				}
			}
		}
	}
	walk(nil, raw)
	return append(out, render.MustPath("spec.template.spec.securityContext"), render.MustPath("metadata.annotations.missing"))
}

// summary is everything a render gives that must not depend on where the
// files were read from: the error, and each object with its provenance and
// the location of every path.
func summary(v *render.Variant) string {
	var b strings.Builder
	fmt.Fprintf(&b, "err=%v notes=%q\n", v.Err, v.Notes)
	for _, o := range v.Objects {
		fmt.Fprintf(&b, "%s file=%s doc=%d generated=%q\n", o.Ref(), o.File, o.Doc, o.Generated)
		for _, p := range objectPaths(o.Raw) {
			l := o.Locator.Locate(p)
			fmt.Fprintf(&b, "  %s -> %s:%d:%d-%d:%d\n", p, l.File, l.Line, l.Col, l.EndLine, l.EndCol)
		}
	}
	return b.String()
}

// TestMapFS renders every fixture from memory, under a root that does not
// exist on disk, and checks that objects, locations and errors are those of
// the render from disk.
func TestMapFS(t *testing.T) {
	mem := mapFixtures(t)
	root := filepath.Join(t.TempDir(), "no-such-repository")
	for _, dir := range fixtureDirs {
		t.Run(dir, func(t *testing.T) {
			want := summary(renderDir(t, fixtures, dir))
			got := summary(renderFS(t, mem, root, dir))
			if got != want {
				t.Errorf("render from memory differs:\n%s\nwant (from disk)\n%s", got, want)
			}
			if strings.Contains(got, root) || strings.Contains(got, fixtures) {
				t.Errorf("absolute path in the result:\n%s", got)
			}
		})
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the render created %s", root)
	}
}

// TestMapFSSymlinks follows symlinks inside the repository as the disk does
// (a resource file, a base folder) and applies RootOnly to where they lead.
func TestMapFSSymlinks(t *testing.T) {
	mem := mapFixtures(t)
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
	}
	mem["links/ok/kustomization.yaml"] = file("resources:\n  - svc.yaml\n  - base\n")
	mem["links/ok/svc.yaml"] = link("../real/service.yaml")
	mem["links/real/service.yaml"] = file("apiVersion: v1\nkind: Service\nmetadata:\n  name: linked\n")
	mem["links/ok/base"] = link("../../names/yml")
	mem["links/shared/kustomization.yaml"] = file("resources:\n  - svc.yaml\n")
	mem["links/shared/svc.yaml"] = link("../real/service.yaml")
	root := "/repo"

	v := renderFS(t, mem, root, "links/ok")
	if v.Err == nil {
		// svc.yaml leads out of links/ok: RootOnly, as kustomize on disk.
		t.Fatal("a symlink out of the kustomization folder was accepted")
	}
	want := `links/ok/kustomization.yaml:2: resources entry "svc.yaml" is outside the kustomization root links/ok`
	if !strings.HasPrefix(v.Err.Error(), want) {
		t.Errorf("Err = %v\nwant %s…", v.Err, want)
	}

	mem["links/ok/svc.yaml"] = link("./svc-real.yaml")
	mem["links/ok/svc-real.yaml"] = mem["links/real/service.yaml"]
	v = renderFS(t, mem, root, "links/ok")
	if v.Err != nil {
		t.Fatal(v.Err)
	}
	checkObjects(t, v.Objects, []obj{
		{ref: "Service linked", file: "links/ok/svc.yaml"},
		{ref: "Service api", file: "links/ok/base/service.yaml"},
	})
	checkLocs(t, v.Objects[0], []loc{{"metadata.name", "links/ok/svc.yaml:4:3"}})
	checkLocs(t, v.Objects[1], []loc{{"spec.ports", "links/ok/base/service.yaml:6:3"}})
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }

// TestEntriesOutsideRepository checks every field that names a file or
// folder: an entry that leaves the repository is an error on its line.
func TestEntriesOutsideRepository(t *testing.T) {
	tests := []struct {
		kust string
		line int
		msg  string
	}{
		{"resources:\n  - ../../outside\n", 2, `resources entry "../../outside": outside the repository; prodlint reads only files inside it`},
		{"bases:\n  - ../../../base\n", 2, `bases entry "../../../base": outside the repository`},
		{"components:\n  - ../../comp\n", 2, `components entry "../../comp": outside the repository`},
		{"resources:\n  - /etc/passwd\n", 2, `resources entry "/etc/passwd": absolute paths are outside the repository; prodlint reads only files inside it, named relative to the kustomization folder (app)`},
		{"patches:\n  - path: ../../patch.yaml\n", 2, `patches entry "../../patch.yaml": outside the repository`},
		{"patchesStrategicMerge:\n  - ../../patch.yaml\n", 2, `patchesStrategicMerge entry "../../patch.yaml": outside the repository`},
		{"configMapGenerator:\n  - name: c\n    files:\n      - key=../../secret.txt\n", 4, `configMapGenerator files entry "../../secret.txt": outside the repository`},
		{"secretGenerator:\n  - name: s\n    envs:\n      - ../../.env\n", 4, `secretGenerator envs entry "../../.env": outside the repository`},
		{"generators:\n  - ../../gen.yaml\n", 2, `generators entry "../../gen.yaml": outside the repository`},
		{"crds:\n  - ../../crd.json\n", 2, `crds entry "../../crd.json": outside the repository`},
		{"openapi:\n  path: ../../schema.json\n", 2, `openapi path entry "../../schema.json": outside the repository`},
	}
	for _, tt := range tests {
		mem := fstest.MapFS{"app/kustomization.yaml": file(tt.kust)}
		v := renderFS(t, mem, "/repo", "app")
		var fe *render.FileError
		if !errors.As(v.Err, &fe) {
			t.Errorf("%q: Err = %v (%T), want a *render.FileError", tt.kust, v.Err, v.Err)
			continue
		}
		if fe.File != "app/kustomization.yaml" || fe.Line != tt.line || !strings.Contains(fe.Err.Error(), tt.msg) {
			t.Errorf("Err = %v\nwant app/kustomization.yaml:%d: …%s…", fe, tt.line, tt.msg)
		}
	}
	// A target folder outside the repository.
	v := renderFS(t, fstest.MapFS{}, "/repo", "../elsewhere")
	if v.Err == nil || !strings.Contains(v.Err.Error(), "outside the repository") {
		t.Errorf("Err = %v, want outside the repository", v.Err)
	}
}

// secret is planted outside the repository; no render may show it.
const secret = "s3cr3t-0f-an0ther-repo"

// leakyRepo lays out, in a temporary folder, a secret folder next to a
// repository whose kustomizations reach for it through symlinks and paths,
// and returns the repository root.
func leakyRepo(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	secretDir := filepath.Join(tmp, "secret")
	write := func(p, s string) {
		t.Helper()
		p = filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, p string) {
		t.Helper()
		p = filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("symlinks: %v", err)
		}
	}
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\ndata:\n  token: " + secret + "\n"
	write("secret/secret.yaml", cm)
	write("secret/secret.txt", secret+"\n")
	write("secret/secret.env", "TOKEN="+secret+"\n")
	write("secret/kustomization.yaml", "resources:\n  - secret.yaml\n")
	svc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n    - port: 80\n"

	write("repo/resource-link/kustomization.yaml", "resources:\n  - service.yaml\n  - leak.yaml\n")
	write("repo/resource-link/service.yaml", svc)
	symlink("../../secret/secret.yaml", "repo/resource-link/leak.yaml")

	write("repo/generator-link/kustomization.yaml", "resources:\n  - service.yaml\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - token=leak.txt\n")
	write("repo/generator-link/service.yaml", svc)
	symlink("../../secret/secret.txt", "repo/generator-link/leak.txt")

	write("repo/env-link/kustomization.yaml", "secretGenerator:\n  - name: env\n    envs:\n      - leak.env\n")
	symlink("../../secret/secret.env", "repo/env-link/leak.env")

	write("repo/patch-link/kustomization.yaml", "resources:\n  - service.yaml\npatches:\n  - path: leak.yaml\n")
	write("repo/patch-link/service.yaml", svc)
	symlink("../../secret/secret.yaml", "repo/patch-link/leak.yaml")

	write("repo/dir-link/kustomization.yaml", "resources:\n  - base\n")
	symlink("../../secret", "repo/dir-link/base")

	write("repo/parent-link/kustomization.yaml", "resources:\n  - up/secret/secret.yaml\n")
	symlink("../..", "repo/parent-link/up")

	write("repo/absolute-link/kustomization.yaml", "resources:\n  - leak.yaml\n")
	symlink(filepath.Join(secretDir, "secret.yaml"), "repo/absolute-link/leak.yaml")

	write("repo/absolute-entry/kustomization.yaml", "resources:\n  - "+filepath.Join(secretDir, "secret.yaml")+"\n")

	write("repo/dotdot/kustomization.yaml", "resources:\n  - ../../secret\n")

	symlink("../../secret/kustomization.yaml", "repo/kustomization-link/kustomization.yaml")

	symlink("../secret", "repo/target-link")
	return filepath.Join(tmp, "repo")
}

// leakCases are the kustomizations of leakyRepo, with the file and line
// the error must name and a part of its message.
var leakCases = []struct {
	dir, file string
	line      int
	msg       string
}{
	{"resource-link", "resource-link/kustomization.yaml", 3,
		`resources entry "leak.yaml": symlink resource-link/leak.yaml -> ../../secret/secret.yaml leads outside the repository; prodlint reads only files inside it`},
	{"generator-link", "generator-link/kustomization.yaml", 6,
		`configMapGenerator files entry "leak.txt": symlink generator-link/leak.txt -> ../../secret/secret.txt leads outside the repository`},
	{"env-link", "env-link/kustomization.yaml", 4,
		`secretGenerator envs entry "leak.env": symlink env-link/leak.env -> ../../secret/secret.env leads outside the repository`},
	{"patch-link", "patch-link/kustomization.yaml", 4,
		`patches entry "leak.yaml": symlink patch-link/leak.yaml -> ../../secret/secret.yaml leads outside the repository`},
	{"dir-link", "dir-link/kustomization.yaml", 2,
		`resources entry "base": symlink dir-link/base -> ../../secret leads outside the repository`},
	{"parent-link", "parent-link/kustomization.yaml", 2,
		`resources entry "up/secret/secret.yaml": symlink parent-link/up -> ../.. leads outside the repository`},
	{"absolute-link", "absolute-link/kustomization.yaml", 2,
		`resources entry "leak.yaml": symlink absolute-link/leak.yaml -> `},
	{"absolute-entry", "absolute-entry/kustomization.yaml", 2,
		`absolute paths are outside the repository`},
	{"dotdot", "dotdot/kustomization.yaml", 2,
		`resources entry "../../secret": outside the repository; prodlint reads only files inside it`},
	{"kustomization-link", "kustomization-link/kustomization.yaml", 0,
		`symlink kustomization-link/kustomization.yaml -> ../../secret/kustomization.yaml leads outside the repository`},
	{"target-link", "target-link/kustomization.yaml", 0,
		`symlink target-link -> ../secret leads outside the repository`},
}

// checkNoLeak fails when the secret shows in the render.
func checkNoLeak(t *testing.T, v *render.Variant) {
	t.Helper()
	if v.Err != nil && strings.Contains(v.Err.Error(), secret) {
		t.Errorf("the secret is in the error: %v", v.Err)
	}
	for _, o := range v.Objects {
		if s := fmt.Sprint(o.Raw); strings.Contains(s, secret) || strings.Contains(s, "c3Ry") {
			t.Errorf("the secret is in %s: %s", o.Ref(), s)
		}
	}
}

// TestSecretOutsideRepository plants a secret next to the repository and
// reaches for it through symlinked resources, generator files, patches and
// folders, and through paths: each is one error naming the kustomization
// file and entry, and the secret shows nowhere. The work tree is read
// through an os.Root (Options.FS nil), through os.DirFS (which follows any
// symlink: only prodlint's checks stand in the way) and through an fs.FS
// that follows symlinks itself without fs.ReadLinkFS.
func TestSecretOutsideRepository(t *testing.T) {
	root := leakyRepo(t)
	hidden := func() fs.FS {
		r, err := os.OpenRoot(root)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return struct{ fs.FS }{r.FS()} // no ReadLinkFS
	}()
	for _, fsys := range []struct {
		name string
		fs   fs.FS
	}{{"root", nil}, {"dirfs", os.DirFS(root)}, {"no-readlink", hidden}} {
		for _, tt := range leakCases {
			t.Run(fsys.name+"/"+tt.dir, func(t *testing.T) {
				v := renderFS(t, fsys.fs, root, tt.dir)
				checkNoLeak(t, v)
				var fe *render.FileError
				if !errors.As(v.Err, &fe) {
					t.Fatalf("Err = %v (%T), want a *render.FileError", v.Err, v.Err)
				}
				if fe.File != tt.file || fe.Line != tt.line || !strings.Contains(fe.Err.Error(), "outside the repository") {
					t.Errorf("Err = %v\nwant %s:%d: …outside the repository…", fe, tt.file, tt.line)
				}
				if fsys.name != "no-readlink" && !strings.Contains(fe.Err.Error(), tt.msg) {
					t.Errorf("Err = %v\nwant …%s…", fe, tt.msg)
				}
				if strings.Contains(fe.Error(), "\n") {
					t.Errorf("Err is not one line: %v", fe)
				}
				if len(v.Objects) != 0 {
					t.Errorf("got %d objects with an error", len(v.Objects))
				}
			})
		}
	}
}

// TestSecretBuildRefused skips the pre-scan: the file system kustomize is
// given refuses the symlinks by itself.
func TestSecretBuildRefused(t *testing.T) {
	root := leakyRepo(t)
	for _, dir := range []string{"resource-link", "generator-link", "env-link", "patch-link", "dir-link", "parent-link", "absolute-link", "absolute-entry", "dotdot"} {
		t.Run(dir, func(t *testing.T) {
			fsys := newRepoFS(os.DirFS(root), root)
			kz, err := readKustomization(fsys, dir, "kustomization.yaml")
			if err != nil {
				t.Fatal(err)
			}
			tr := &tree{fs: fsys, root: kz, all: map[string]*kustomization{dir: kz}}
			m, err := build(tr)
			if err == nil {
				t.Fatalf("built %d resources", m.Size())
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the secret is in the error: %v", err)
			}
			fe := tr.explain(err)
			if !strings.Contains(fe.Error(), "outside the repository") && !strings.Contains(fe.Error(), "is not in or below") {
				t.Errorf("explain = %v\nfrom %v", fe, err)
			}
			if strings.Contains(fe.Error(), secret) || strings.Contains(fe.Error(), "\n") || strings.Contains(fe.Error(), root+string(filepath.Separator)) {
				t.Errorf("explain is not one line with repository paths: %v", fe)
			}
		})
	}
}

// TestExplainBuildErrors skips the pre-scan so that kustomize itself meets
// a missing file, a file outside the kustomization folder and a broken
// manifest through the repository file system: explain still gives one line
// naming a repository file.
func TestExplainBuildErrors(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"errors/missing-resource", "errors/missing-resource/kustomization.yaml: errors/missing-resource/deployment.yaml does not exist"},
		{"errors/rootonly/app", "errors/rootonly/app/kustomization.yaml: errors/rootonly/shared/configmap.yaml is outside the kustomization root errors/rootonly/app; "},
		{"errors/bad-manifest", "errors/bad-manifest/service.yaml:8: invalid YAML: mapping values are not allowed in this context"},
	}
	mem := mapFixtures(t)
	for _, tt := range tests {
		fsys := newRepoFS(mem, fixtures)
		kz, err := readKustomization(fsys, tt.dir, "kustomization.yaml")
		if err != nil {
			t.Fatal(err)
		}
		tr := &tree{fs: fsys, root: kz, all: map[string]*kustomization{tt.dir: kz}}
		_, err = build(tr)
		if err == nil {
			t.Fatalf("%s: built", tt.dir)
		}
		if got := tr.explain(err).Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("explain = %s\nwant %s…\nfrom %v", got, tt.want, err)
		}
	}
}

// TestRepoFS checks the adapter's methods on the virtual root.
func TestRepoFS(t *testing.T) {
	root := filepath.FromSlash("/v/repo")
	mem := mapFixtures(t)
	mem["app/base/.hidden.yaml"] = file("x: 1\n")
	mem["links/up"] = &fstest.MapFile{Data: []byte("../.."), Mode: fs.ModeSymlink | 0o777}
	mem["links/base"] = &fstest.MapFile{Data: []byte("../app/base"), Mode: fs.ModeSymlink | 0o777}
	f := newRepoFS(mem, root)
	abs := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }

	if !f.IsDir(root) || !f.IsDir(abs("app")) || f.IsDir(abs("app/base/service.yaml")) {
		t.Error("IsDir: the root and app are folders, service.yaml is not")
	}
	if f.IsDir(filepath.Dir(root)) || f.Exists(filepath.Dir(root)) {
		t.Error("the folder above the root is not part of the repository")
	}
	if !f.Exists(abs("app/base/service.yaml")) || f.Exists(abs("app/nope.yaml")) {
		t.Error("Exists")
	}

	d, name, err := f.CleanedAbs(root)
	if err != nil || string(d) != root || name != "" {
		t.Errorf("CleanedAbs(root) = %q, %q, %v", d, name, err)
	}
	d, name, err = f.CleanedAbs(abs("links/base/service.yaml"))
	if err != nil || string(d) != abs("app/base") || name != "service.yaml" {
		t.Errorf("CleanedAbs through a symlink = %q, %q, %v", d, name, err)
	}
	_, _, err = f.CleanedAbs(abs("app/nope.yaml"))
	if err == nil || !missingFile.MatchString(err.Error()) {
		t.Errorf("CleanedAbs(missing) = %v, want kustomize's message", err)
	}
	for _, p := range []string{abs("links/up/x"), filepath.Dir(root), abs("../elsewhere/x.yaml"), filepath.FromSlash("/etc/passwd")} {
		if _, _, err := f.CleanedAbs(p); !errors.Is(err, errOutside) {
			t.Errorf("CleanedAbs(%s) = %v, want outside the repository", p, err)
		}
		if _, err := f.ReadFile(p); !errors.Is(err, errOutside) {
			t.Errorf("ReadFile(%s) = %v, want outside the repository", p, err)
		}
	}

	b, err := f.ReadFile("app/base/service.yaml") // relative to the root
	if err != nil || !strings.Contains(string(b), "kind: Service") {
		t.Errorf("ReadFile(relative) = %q, %v", b, err)
	}
	_, err = f.ReadFile(abs("app/nope.yaml"))
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != abs("app/nope.yaml") {
		t.Errorf("ReadFile(missing) = %v, want a not-exist error with the absolute path", err)
	}

	file, err := f.Open(abs("links/base/service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(file)
	if err != nil || !strings.Contains(string(b), "kind: Service") {
		t.Errorf("Open+Read = %q, %v", b, err)
	}
	if _, err := file.Write([]byte("x")); !errors.Is(err, errReadOnly) {
		t.Errorf("Write = %v, want read-only", err)
	}
	if fi, err := file.Stat(); err != nil || fi.Name() != "service.yaml" {
		t.Errorf("Stat = %v, %v", fi, err)
	}
	file.Close()

	names, err := f.ReadDir(abs("app/base"))
	if want := []string{".hidden.yaml", "config", "deployment.yaml", "kustomization.yaml", "service.yaml"}; err != nil || !slices.Equal(names, want) {
		t.Errorf("ReadDir = %q, %v; want %q", names, err, want)
	}

	g, err := f.Glob(abs("app/base/*.yaml"))
	if want := []string{abs("app/base/deployment.yaml"), abs("app/base/kustomization.yaml"), abs("app/base/service.yaml")}; err != nil || !slices.Equal(g, want) {
		t.Errorf("Glob = %q, %v; want %q", g, err, want)
	}
	g, err = f.Glob(abs("app/base/.*.yaml"))
	if err != nil || !slices.Equal(g, []string{abs("app/base/.hidden.yaml")}) {
		t.Errorf("Glob(hidden) = %q, %v", g, err)
	}

	var walked []string
	err = f.Walk(abs("app/overlays"), func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && info.Name() == "staging" {
			return filepath.SkipDir
		}
		walked = append(walked, p)
		return nil
	})
	want := []string{abs("app/overlays"), abs("app/overlays/prod"), abs("app/overlays/prod/deployment-patch.yaml"), abs("app/overlays/prod/kustomization.yaml")}
	if err != nil || !slices.Equal(walked, want) {
		t.Errorf("Walk = %q, %v; want %q", walked, err, want)
	}

	for name, err := range map[string]error{
		"WriteFile": f.WriteFile(abs("x.yaml"), nil),
		"Mkdir":     f.Mkdir(abs("x")),
		"MkdirAll":  f.MkdirAll(abs("x/y")),
		"RemoveAll": f.RemoveAll(abs("app")),
		"Create": func() error {
			_, err := f.Create(abs("x.yaml"))
			return err
		}(),
	} {
		if !errors.Is(err, errReadOnly) {
			t.Errorf("%s = %v, want read-only", name, err)
		}
	}
}

// TestConcurrentFS renders from disk and from memory at once (run with
// -race).
func TestConcurrentFS(t *testing.T) {
	mem := mapFixtures(t)
	dirs := []string{"app/overlays/prod", "app/overlays/staging", "collide/overlay", "errors/rootonly/app"}
	want := map[string]string{}
	for _, d := range dirs {
		want[d] = summary(renderDir(t, fixtures, d))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 2*3*len(dirs))
	for range 3 {
		for _, d := range dirs {
			for _, fsys := range []fs.FS{nil, mem} {
				wg.Go(func() {
					vs, err := Renderer{}.Render(context.Background(), render.Target{Kind: render.Kustomize, Dir: d}, render.Options{Root: fixtures, FS: fsys})
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
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
