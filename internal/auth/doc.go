// Package auth is gongload's OAuth 2.0 client for Gong (gong-api.md §1.3):
// the authorization-code login with a loopback redirect, the token file,
// and a refreshing token source that authenticates API requests.
//
// Gong's token endpoint differs from what golang.org/x/oauth2 sends: the
// grant parameters go in the query string (with the client credentials as
// HTTP Basic and an empty body), so [App] makes that one request itself; it
// still speaks in x/oauth2's types ([oauth2.Config] builds the authorize
// URL, [Source] is an [oauth2.TokenSource]).
//
// Contracts:
//
//   - The token file (JSON: access_token, refresh_token, expiry, scopes,
//     api_base_url_for_customer, client_id, token_url; never the client
//     secret) is written by [WriteFile] atomically: a temporary file in the
//     same directory, fsync, rename, fsync of the directory, so a crash
//     leaves the old file or the new one, never half of one. The file is
//     mode 0600 and a directory it creates 0700.
//   - Gong's refresh tokens are single use. [Source] serialises refreshes
//     (one at a time in the process, and across processes with an advisory
//     lock on "<token file>.lock" where the OS has flock), re-reads the file
//     before refreshing (another process may have rotated the pair
//     already), and writes the new pair to the file before any request uses
//     it. A refresh, once sent, runs to completion even if the request that
//     started it is cancelled, so an answered rotation is never lost.
//   - A refresh token that Gong refuses (invalid_grant) is final: the
//     source reports [ErrLoginAgain] ("run gongload auth login again") from
//     then on, without asking Gong again.
//   - [Source.Transport] and [Source.APITransport] authenticate requests
//     like x/oauth2's Transport (clone, set "Authorization: Bearer …"). A
//     401 that is not a missing scope gets one forced refresh and one more
//     try; concurrent 401s for the same token make one refresh. A missing
//     scope ("You don't have permission to use '<scope>'") is handed back as
//     is. When the token cannot be refreshed for good, the transport answers
//     the request itself with a 401 in Gong's error format that says so, so
//     that the API client fails at once instead of retrying.
//   - Tokens are held as [secret.String] and never logged, printed or put in
//     an error; the token endpoint's URL (whose query holds the refresh
//     token or the code) never appears in an error either.
package auth
