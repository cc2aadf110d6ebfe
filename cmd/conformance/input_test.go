package main

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/webex-conformance/webhooks/conformance"
)

// A load given up on Ctrl-C says so in the same words, and wraps the
// context's error.
func TestLoadEngineInterruptedIsCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	release := make(chan struct{})
	defer close(release)
	_, err := loadEngine(ctx, func() (*conformance.Engine, error) {
		<-release
		return nil, nil
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, errLoadInterrupted)
	assert.Equal(t, "interrupted while loading the spec", err.Error())
}

// A document the engine refuses keeps its kind through the command's
// wrapping.
func TestValidateEngineKeepsSpecError(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/v32.yaml"
	require.NoError(t, writeFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
		return err
	}))
	_, err := validateEngine(context.Background(), &env{getenv: func(string) string { return "" }}, path)
	var se *conformance.SpecError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, conformance.SpecVersion, se.Kind)
	assert.True(t, errors.Is(err, conformance.ErrSpecVersion))
}
