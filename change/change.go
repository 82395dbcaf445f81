// Package change tells which files a git change touches and gives read-only
// access to the tree of a past revision, so that prodlint can lint only what
// a pull request or a commit changes.
//
// It uses go-git for everything a full clone holds: opening the repository
// (from any subfolder, linked worktrees included), resolving revisions,
// merge bases, tree diffs and blob reads. It never calls go-git's
// Worktree.Status, which is slow on big repositories: the index is compared
// with the HEAD tree by hash, the work tree with the index by stat (size and
// mtime) with a content hash only when the stat differs or the entry is
// racily clean, and untracked files are found by one walk of the work tree
// that honours .gitignore files, .git/info/exclude and core.excludesFile.
//
// The git CLI is used only where go-git cannot work: blobs missing from a
// partial clone (--filter=blob:none) are read with `git cat-file`.
//
// Errors are one line and meant for users. Their kinds can be tested with
// errors.Is against ErrNotRepository, ErrUnknownRevision, ErrShallowClone,
// ErrNoCommonAncestor, ErrNoCommits and ErrSymlinkEscapes.
package change

import (
	"errors"
	"slices"
	"strings"
)

// Action says how a path changed between the base and the new side.
type Action int

// The actions of a Change.
const (
	Added Action = iota + 1
	Modified
	Deleted
	Renamed
)

// String returns "added", "modified", "deleted" or "renamed".
func (a Action) String() string {
	switch a {
	case Added:
		return "added"
	case Modified:
		return "modified"
	case Deleted:
		return "deleted"
	case Renamed:
		return "renamed"
	}
	return "unknown"
}

// MarshalText encodes the action as its String form, for JSON and YAML.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Change is one changed path.
type Change struct {
	// Path is the repository-relative, slash-separated path on the new side
	// ("" when the file was deleted).
	Path string
	// OldPath is the path on the base side ("" when the file was added). It
	// equals Path for a modification and differs from it for a rename.
	OldPath string
	// Action is Added, Modified, Deleted or Renamed.
	Action Action
}

// Diff is the set of paths changed between a base commit and a new side.
type Diff struct {
	// Base is the full SHA of the base commit: the merge base for Since,
	// HEAD for Staged, and "" for Staged in a repository without commits.
	Base string
	// Changes are sorted by Path, or by OldPath for deletions.
	Changes []Change
}

// Paths returns every Path and OldPath of the diff, deduplicated and sorted:
// the set to match against the files a lint target depends on.
func (d *Diff) Paths() []string {
	if d == nil {
		return nil
	}
	out := make([]string, 0, len(d.Changes)+4)
	for _, c := range d.Changes {
		if c.Path != "" {
			out = append(out, c.Path)
		}
		if c.OldPath != "" && c.OldPath != c.Path {
			out = append(out, c.OldPath)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c Change) sortKey() string {
	if c.Path != "" {
		return c.Path
	}
	return c.OldPath
}

func sortChanges(cs []Change) {
	slices.SortFunc(cs, func(a, b Change) int {
		if n := strings.Compare(a.sortKey(), b.sortKey()); n != 0 {
			return n
		}
		return strings.Compare(a.OldPath, b.OldPath)
	})
}

// Error kinds, for errors.Is. The errors returned carry a full one-line
// message of their own.
var (
	// ErrNotRepository: the path is not inside a git work tree.
	ErrNotRepository = errors.New("not inside a git repository")
	// ErrUnknownRevision: a revision does not resolve to a commit.
	ErrUnknownRevision = errors.New("unknown revision")
	// ErrShallowClone: the history needed is cut off by a shallow clone.
	ErrShallowClone = errors.New("shallow clone")
	// ErrNoCommonAncestor: the base and HEAD share no history.
	ErrNoCommonAncestor = errors.New("no common ancestor")
	// ErrNoCommits: HEAD has no commit yet (empty repository or unborn branch).
	ErrNoCommits = errors.New("no commits yet")
	// ErrSymlinkEscapes: a symlink in a tree points outside that tree.
	ErrSymlinkEscapes = errors.New("symlink points outside the repository tree")
)

// kindError is a one-line message that also matches an error kind and,
// when there is one, the underlying cause.
type kindError struct {
	kind  error
	msg   string
	cause error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func kindErr(kind error, cause error, msg string) error {
	return &kindError{kind: kind, msg: msg, cause: cause}
}
