package render

import (
	"strings"
	"testing"
)

func TestPathRoundTrip(t *testing.T) {
	for _, s := range []string{
		"spec.template.spec.containers[name=web].securityContext",
		`metadata.annotations["helm.sh/hook"]`,
		"rules[0].verbs[2]",
		"spec",
		`data["a b"].x`,
	} {
		p, err := ParsePath(s)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", s, err)
			continue
		}
		if got := p.String(); got != s {
			t.Errorf("ParsePath(%q).String() = %q", s, got)
		}
	}
	for _, bad := range []string{".a", "a..b", "a[", "a[x]", `a["b`, "a.", "a.[0]"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q): want error", bad)
		}
	}
	p := MustPath("spec.template.spec").Key("containers").Where("name", "web").Key("image")
	if p.String() != "spec.template.spec.containers[name=web].image" {
		t.Errorf("built path = %s", p)
	}
}

const manifest = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    helm.sh/hook: pre-install
spec:
  template:
    spec:
      containers:
        - image: nginx
          name: web
          securityContext: {privileged: true}
        - name: side
          image: "busybox:1.36"
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
  - apiVersion: v1
    kind: ConfigMap
    metadata: &m
      name: b
      labels: {x: y}
---
just a string
---
apiVersion: v1
kind: Secret
metadata:
  <<: {name: merged}
`

func TestLocate(t *testing.T) {
	objs, err := ParseManifest("m.yaml", []byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 4 {
		t.Fatalf("got %d objects, want 4", len(objs))
	}
	if objs[0].Hook != "pre-install" || objs[1].Name != "a" || objs[2].Name != "b" || objs[3].Name != "merged" {
		t.Errorf("objects: %+v %+v %+v %+v", objs[0], objs[1], objs[2], objs[3])
	}
	tests := []struct {
		obj       int
		path      string
		line, col int
		endCol    int
	}{
		{0, "spec.template.spec.containers[name=web].securityContext.privileged", 14, 29, 39},
		{0, "spec.template.spec.containers[name=web].securityContext", 14, 11, 26},
		{0, "spec.template.spec.containers[name=web].resources", 13, 11, 15},
		{0, "spec.template.spec.containers[name=side].image", 16, 11, 16},
		{0, "spec.template.spec.containers[1]", 15, 11, 15},
		{0, "spec.template.spec.containers[name=nope].image", 11, 7, 17},
		{0, "spec.template.spec.securityContext", 3, 1, 5},
		{0, "spec.replicas", 3, 1, 5},
		{0, `metadata.annotations["helm.sh/hook"]`, 7, 5, 17},
		{0, "kind", 3, 1, 5},
		{2, "metadata.labels.x", 29, 16, 17},
		{3, "metadata.name", 36, 8, 12},
	}
	for _, tt := range tests {
		loc := objs[tt.obj].Locator.Locate(MustPath(tt.path))
		if loc.File != "m.yaml" || loc.Line != tt.line || loc.Col != tt.col || loc.EndCol != tt.endCol {
			t.Errorf("Locate(%s) = %+v, want line %d col %d endCol %d", tt.path, loc, tt.line, tt.col, tt.endCol)
		}
	}
}

func TestParseManifestCRLFAndBOM(t *testing.T) {
	src := "\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  hostPID: true\r\n"
	objs, err := ParseManifest("p.yaml", []byte(src))
	if err != nil || len(objs) != 1 {
		t.Fatalf("objs=%v err=%v", objs, err)
	}
	loc := objs[0].Locator.Locate(MustPath("spec.hostPID"))
	if loc.Line != 6 || loc.Col != 3 {
		t.Errorf("loc = %+v, want 6:3", loc)
	}
}

func TestParseManifestSyntaxError(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [\n"
	objs, err := ParseManifest("bad.yaml", []byte(src))
	if len(objs) != 1 {
		t.Errorf("want the object before the error, got %d", len(objs))
	}
	if err == nil || !strings.HasPrefix(err.Error(), "bad.yaml:") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("err = %v", err)
	}
}
