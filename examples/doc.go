// Package examples holds the complete programs the README shows. The
// README's Go blocks are copies of files the build compiles (these
// programs, example_*_test.go files and tests of the packages they use);
// readme_test.go fails when a block and its file differ.
package examples
