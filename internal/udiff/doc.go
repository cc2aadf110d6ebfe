// Package udiff writes the unified diff of two texts, line by line, in the
// format of `diff -u` (GNU diffutils) that `patch` and `git apply` read.
//
//	os.Stdout.Write(udiff.Unified("a/api/openapi.yaml", "b/api/openapi.yaml", old, new))
//
// The edit script is a shortest one (Myers' O(ND) algorithm), so a small
// change to a large file costs little; two files that differ everywhere
// cost memory quadratic in the number of differing lines.
package udiff
