package gen

// Check folds the two ways a generated XxxWithResponse call can fail into
// one error: the transport or decoding error, or an *APIError for a non-2xx
// answer. It returns the response in both cases, so its body stays at hand.
//
//	got, err := gen.Check(c.GetWebhookDetailsWithResponse(ctx, id))
func Check[R interface{ Err() error }](resp R, err error) (R, error) {
	if err != nil {
		return resp, err
	}
	return resp, resp.Err()
}

// Err is AsError for this response: nil for 2xx, an *APIError otherwise.
func (r *ListWebhooksResponse) Err() error { return AsError(r.HTTPResponse, r.Body) }

// Err is AsError for this response: nil for 2xx, an *APIError otherwise.
func (r *CreateWebhookResponse) Err() error { return AsError(r.HTTPResponse, r.Body) }

// Err is AsError for this response: nil for 2xx, an *APIError otherwise.
func (r *GetWebhookDetailsResponse) Err() error { return AsError(r.HTTPResponse, r.Body) }

// Err is AsError for this response: nil for 2xx, an *APIError otherwise.
func (r *UpdateWebhookResponse) Err() error { return AsError(r.HTTPResponse, r.Body) }

// Err is AsError for this response: nil for 2xx, an *APIError otherwise.
func (r *DeleteWebhookResponse) Err() error { return AsError(r.HTTPResponse, r.Body) }
