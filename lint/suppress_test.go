package lint

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/render"
)

// TestSuppressions runs the pipeline over testdata/suppress and checks which
// findings are suppressed, and the findings about the suppressions.
func TestSuppressions(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	opts := render.Options{Root: root + "/../testdata/suppress", KubeVersion: "1.34.0"}
	var rules []*Rule
	for _, id := range []string{"host-network", "host-pid", "host-ipc", "image-latest-tag", "invalid-suppression", "unused-suppression"} {
		r, ok := Lookup(id)
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
	res := Run(context.Background(), Config{
		Targets:   []render.Target{{Kind: render.Plain, Dir: ".", Files: []string{"pods.yaml"}}},
		Renderers: map[render.Kind]render.Renderer{render.Plain: render.PlainRenderer{}},
		Render:    opts,
		Rules:     rules,
	})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	var got []string
	for _, f := range res.Findings {
		s := fmt.Sprintf("%d %s", f.Location.Line, f.Rule)
		if f.Suppressed != nil {
			s += " suppressed(" + f.Suppressed.Justification + ")"
		}
		if f.Rule == "invalid-suppression" || f.Rule == "unused-suppression" {
			s += ": " + f.Message
		}
		got = append(got, s)
	}
	sort.Strings(got)
	want := []string{
		"10 host-network suppressed(the CNI agent configures the node's network)",
		"22 host-network suppressed(break-glass debugging pod)",
		"23 unused-suppression: suppression comment ignores host-ipc but there is no such finding here; remove it",
		"25 host-pid",
		"25 invalid-suppression: suppression comment has no reason; write one after \" -- \"",
		"28 image-latest-tag",
		"28 invalid-suppression: suppression comment names unknown rule image-latest-tagg; run \"prodlint rules\" to list them",
		"38 host-network",
		"7 unused-suppression: suppression annotation prodlint.dev/ignore ignores host-pid but there is no such finding here; remove it",
		"7 invalid-suppression: suppression annotation prodlint.dev/ignore has no reason; add the prodlint.dev/ignore-reason annotation",
	}
	sort.Strings(want)
	// the second "7" line belongs to the annotation of the third pod (line 36)
	for i, w := range want {
		if strings.HasPrefix(w, "7 invalid") {
			want[i] = "36" + w[1:]
		}
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCommentSuppressionSyntax(t *testing.T) {
	src := "a: 1 # prodlint:ignore r1, r2 -- why not\n  # prodlint:ignore all -- template {{ .Values.x }}\nb: 2\nc: 3 #@L9 # prodlint:ignore r3\n"
	c := commentSuppressions("f.yaml", []byte(src))
	if s := c[1]; len(s) != 1 || strings.Join(s[0].rules, "+") != "r1+r2" || s[0].reason != "why not" {
		t.Errorf("line 1: %+v", s)
	}
	if s := c[3]; len(s) != 1 || s[0].rules[0] != "all" || s[0].reason != "template" {
		t.Errorf("line 3 (covered by the comment above): %+v", s)
	}
	if len(c[2]) != 1 || len(c[4]) != 1 || c[4][0].invalid == "" {
		t.Errorf("lines 2 and 4: %+v %+v", c[2], c[4])
	}
}
