package change_test

import (
	"fmt"
	"io/fs"
	"log"

	"github.com/prodlint/prodlint/change"
)

// Lint only what a pull request touches: list the changed paths, and read
// the files of the base revision to compare findings with.
func Example() {
	repo, err := change.Open(".") // any folder of the work tree
	if err != nil {
		log.Fatal(err) // e.g. ". is not inside a git repository; ..."
	}
	defer repo.Close()

	diff, err := repo.Since("origin/main") // or repo.Staged() for pre-commit
	if err != nil {
		log.Fatal(err) // e.g. shallow clone: "... use actions/checkout with fetch-depth: 0 ..."
	}
	for _, c := range diff.Changes {
		fmt.Println(c.Action, c.OldPath, c.Path)
	}
	changed := diff.Paths() // match against the files each chart or kustomization uses
	_ = changed

	base, err := repo.TreeFS(diff.Base) // the merge base, read lazily from git
	if err != nil {
		log.Fatal(err)
	}
	charts, _ := fs.Glob(base, "deploy/*/Chart.yaml")
	for _, c := range charts {
		data, err := fs.ReadFile(base, c)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c, len(data))
	}
}
