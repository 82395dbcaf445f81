package change

import (
	"sort"

	"github.com/go-git/go-git/v5"
)

// RemoteURLs returns the URLs of the remotes of the git repository whose
// work tree root is root, sorted; none when root is not a repository.
// GitOps objects name their source repository by such a URL.
func RemoteURLs(root string) []string {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil
	}
	cfg, err := repo.Config()
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range cfg.Remotes {
		out = append(out, r.URLs...)
	}
	sort.Strings(out)
	return out
}
