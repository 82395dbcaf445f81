package helm

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prodlint/prodlint/render"
)

// hostileRoot is testdata/hostile, the repository root of the hostile
// fixtures (see its README.md).
func hostileRoot(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// renderBounded renders a hostile chart with a deadline of its own, so that
// a runaway render fails the test instead of hanging it, and returns the
// variants (or a variant holding the target error), the time and the bytes
// allocated meanwhile.
func renderBounded(t *testing.T, root, dir string) ([]*render.Variant, time.Duration, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan []*render.Variant, 1)
	go func() {
		vs, err := Renderer{}.Render(ctx, render.Target{Kind: render.Helm, Dir: dir}, render.Options{Root: root, KubeVersion: "1.34.0"})
		if err != nil {
			vs = []*render.Variant{{Err: err}}
		}
		done <- vs
	}()
	select {
	case vs := <-done:
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		return vs, took, after.TotalAlloc - before.TotalAlloc
	case <-ctx.Done():
		t.Fatalf("%s: still rendering after 20s", dir)
	}
	return nil, 0, 0
}

// TestHostileChartsBounded renders the charts of testdata/hostile/bounded:
// each must end with a correct result or a clear error naming the file, in
// well under 2 seconds and without allocating hundreds of megabytes. Helm's
// engine cannot be stopped once a template runs, so the amplifying Sprig
// functions are bounded (limits.go) and Helm's own include recursion limit
// ends a loop.
func TestHostileChartsBounded(t *testing.T) {
	root := hostileRoot(t)
	for _, tt := range []struct {
		dir  string
		want []string // substrings of the error; none: renders
	}{
		{"bounded/include-loop", []string{"bounded/include-loop/templates/cm.yaml:7:", `include loop: template "loop" includes itself`}},
		{"bounded/huge-range", []string{"bounded/huge-range/templates/cm.yaml:7:10: execution error: ", "until would make a list of 10000000 numbers"}},
		{"bounded/huge-string", []string{"bounded/huge-string/templates/cm.yaml:7:8: execution error: ", "repeat would make a string of 2000000000 bytes"}},
		{"bounded/alias-bomb-helm", []string{"bounded/alias-bomb-helm/values.yaml", "excessive aliasing"}},
		{"bounded/alias-bomb-template", []string{"bounded/alias-bomb-template/templates/bomb.yaml: rendered document 0: document contains excessive aliasing"}},
		{"bounded/bom-crlf-helm", nil},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			vs, took, alloc := renderBounded(t, root, tt.dir)
			var errs []string
			objects := 0
			for _, v := range vs {
				if v.Err != nil {
					errs = append(errs, v.Err.Error())
				}
				objects += len(v.Objects)
			}
			msg := strings.Join(errs, "\n")
			t.Logf("%s: %s, %d MB allocated: %.300s", tt.dir, took.Round(time.Millisecond), alloc>>20, msg)
			if tt.want == nil && (msg != "" || objects == 0) {
				t.Errorf("want objects and no error, got %d objects, error %q", objects, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if len(msg) > 3000 {
				t.Errorf("error message of %d bytes; an error must be readable", len(msg))
			}
			if took > 2*time.Second {
				t.Errorf("took %s, want under 2s", took)
			}
			if alloc > 512<<20 {
				t.Errorf("allocated %d MB, want under 512 MB", alloc>>20)
			}
		})
	}
}

// TestBoundedFuncs checks the bounded Sprig functions against Sprig's
// results below the limits, and their errors above.
func TestBoundedFuncs(t *testing.T) {
	until := boundedFuncs["until"].(func(int) ([]int, error))
	untilStepF := boundedFuncs["untilStep"].(func(int, int, int) ([]int, error))
	repeat := boundedFuncs["repeat"].(func(int, string) (string, error))
	nindent := boundedFuncs["nindent"].(func(int, string) (string, error))
	for _, tt := range []struct {
		got  any
		want string
	}{
		{must(until(3)), "[0 1 2]"},
		{must(until(-3)), "[0 -1 -2]"},
		{must(until(0)), "[]"},
		{must(untilStepF(0, 10, 3)), "[0 3 6 9]"},
		{must(untilStepF(10, 0, -4)), "[10 6 2]"},
		{must(untilStepF(0, 10, 0)), "[]"},
		{must(untilStepF(0, 10, -1)), "[]"},
		{must(untilStepF(0, 1<<62, 1<<61+1)), fmt.Sprint([]int{0, 1<<61 + 1})}, // Sprig loops forever here
		{must(seq(3)), "1 2 3"},
		{must(seq(-1)), "1 0 -1"},
		{must(seq(2, 5)), "2 3 4 5"},
		{must(seq(0, 3, 10)), "0 3 6 9"},
		{must(seq(10, -3, 0)), "10 7 4 1"},
		{must(seq(0, 3, -10)), ""},
		{must(repeat(3, "ab")), "ababab"},
		{must(repeat(-1, "ab")), ""},
		{must(nindent(2, "a\nb")), "\n  a\n  b"},
	} {
		if got := fmt.Sprint(tt.got); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	for name, err := range map[string]error{
		"until":     second(until(maxSequence + 1)),
		"untilStep": second(untilStepF(0, 1<<62, 1)),
		"seq":       second(seq(maxSequence + 1)),
		"repeat":    second(repeat(1<<40, "x")),
		"nindent":   second(nindent(1<<30, "a\nb")),
	} {
		if err == nil || !strings.Contains(err.Error(), "prodlint renders") {
			t.Errorf("%s over the limit: error %v", name, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func second[T any](_ T, err error) error { return err }
