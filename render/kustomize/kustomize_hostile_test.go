package kustomize

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prodlint/prodlint/render"
)

// hostile is the repository root of the hostile fixtures.
var hostile = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "hostile"))
	if err != nil {
		panic(err)
	}
	return p
}()

// TestHostileBounded renders the kustomizations of testdata/hostile/bounded:
// each must end in a clear error naming the file (or render), fast and
// without taking the machine's memory. Kustomize expands YAML aliases
// without a limit, so the alias bomb is refused before the build.
func TestHostileBounded(t *testing.T) {
	for _, tt := range []struct {
		dir, want string // want: substring of the error, "" for a render
	}{
		{"bounded/alias-bomb-kustomize", "bounded/alias-bomb-kustomize/bomb.yaml: YAML aliases expand to more than"},
		{"bounded/alias-bomb-kustomize-patch", "YAML aliases expand to more than"},
		{"bounded/invalid-utf8-kustomize", "bounded/invalid-utf8-kustomize/bad.yaml"},
		{"bounded/bom-crlf-kustomize", ""},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan *render.Variant, 1)
			go func() {
				vs, err := Renderer{}.Render(ctx, render.Target{Kind: render.Kustomize, Dir: tt.dir}, render.Options{Root: hostile})
				if err != nil {
					done <- &render.Variant{Err: err}
					return
				}
				done <- vs[0]
			}()
			var v *render.Variant
			select {
			case v = <-done:
			case <-ctx.Done():
				t.Fatalf("still rendering after 20s")
			}
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 512<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			if took > 2*time.Second {
				t.Errorf("took %s, want under 2s", took)
			}
			switch {
			case tt.want == "" && v.Err != nil:
				t.Errorf("error: %v", v.Err)
			case tt.want == "" && len(v.Objects) == 0:
				t.Errorf("no objects")
			case tt.want != "" && (v.Err == nil || !strings.Contains(v.Err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", v.Err, tt.want)
			}
			t.Logf("%s in %s: %v", tt.dir, took.Round(time.Millisecond), v.Err)
		})
	}
}
