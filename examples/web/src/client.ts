// A typed client of the API: each document's result and variables are typed by codegen.
//
// Documents travel by hash (Apollo's automatic persisted queries): a query is a short GET with
// only the hash; the first time a server has not seen it, it answers PERSISTED_QUERY_NOT_FOUND and
// the client sends the text once. The text sent is the manifest's, the one the hash was made
// from, so the same build also runs against a server in trusted-documents mode
// (TRUSTED_DOCUMENTS=src/gql/persisted-documents.json).
import { createClient, type Client } from "graphql-ws";
import { LoginDocument, RefreshDocument } from "./documents";
import type { TypedDocumentString } from "./gql/graphql";
import manifest from "./gql/persisted-documents.json";

const texts: Record<string, string> = manifest;

/** A GraphQL error, with the code, field and reason the API puts in `extensions`. */
export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly field?: string, readonly reason?: string) {
    super(message);
  }
}

type Answer<T> = { data?: T; errors?: { message: string; extensions?: Record<string, string> }[] };
type Session = { token: string; refreshToken: string; expiresAt: string };

function hashOf<R, V>(document: TypedDocumentString<R, V>): string {
  const hash = document.__meta__?.hash;
  if (typeof hash !== "string" || !(hash in texts)) throw new Error("a document missing from the manifest: run codegen");
  return hash;
}

function firstError<T>(answer: Answer<T>): ApiError | undefined {
  const error = answer.errors?.[0];
  if (!error) return undefined;
  const ext = error.extensions ?? {};
  return new ApiError(error.message, ext.code ?? "UNKNOWN", ext.field, ext.reason);
}

const expired = (error: unknown) => error instanceof ApiError && error.reason === "EXPIRED";

export class Api {
  private session?: Session;
  /** The refresh under way: a refresh token works once, so callers share one refresh. */
  private refreshing?: Promise<void>;
  /** One socket for every subscription, and the access token it was opened with. */
  private socket?: { client: Client; token: string };
  private connections = 0;

  constructor(readonly url: string) {}

  /** Signs in; a socket of an earlier session is closed (its subscriptions end). */
  async signIn(email: string, password: string): Promise<void> {
    this.session = (await this.send(LoginDocument, { input: { email, password } }, false)).login;
    this.socket?.client.dispose();
    this.socket = undefined;
  }

  /** Runs a document; an expired access token is refreshed once and the document sent again. */
  async execute<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    try {
      return await this.send(document, variables);
    } catch (error) {
      if (!expired(error)) throw error;
      await this.refresh();
      return this.send(document, variables);
    }
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.session?.refreshToken;
        if (!refreshToken) throw new ApiError("sign in first", "UNAUTHENTICATED");
        this.session = (await this.send(RefreshDocument, { input: { refreshToken } }, false)).refreshSession;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Sends a document; `login` and `refreshSession` go without a credential (`signed: false`). */
  private async send<R, V>(document: TypedDocumentString<R, V>, variables: V, signed = true): Promise<R> {
    const hash = hashOf(document);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const isQuery = document.toString().trimStart().startsWith("query");
    const token = signed ? this.session?.token : undefined;
    let answer = await this.post<R>(token, isQuery, { variables, extensions });
    if (answer.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
      answer = await this.post<R>(token, false, { query: texts[hash], variables, extensions });
    }
    const error = firstError(answer);
    if (error) throw error;
    return answer.data as R;
  }

  private async post<R>(token: string | undefined, get: boolean, body: Record<string, unknown>): Promise<Answer<R>> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    if (get) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(body)) params.set(key, JSON.stringify(value));
      response = await fetch(`${this.url}/graphql?${params}`, { headers });
    } else {
      headers["Content-Type"] = "application/json";
      response = await fetch(`${this.url}/graphql`, { method: "POST", headers, body: JSON.stringify(body) });
    }
    // The API answers JSON, refusals included; anything else came from something in between.
    if (!(response.headers.get("content-type") ?? "").includes("json")) {
      throw new ApiError(`the API answered HTTP ${response.status} without JSON`, "UNAVAILABLE");
    }
    return (await response.json()) as Answer<R>;
  }

  /**
   * Subscribes over graphql-transport-ws; returns a function that ends the subscription. When the
   * access token expires the server ends the subscription (UNAUTHENTICATED, reason EXPIRED) and
   * closes the socket: the client refreshes the token and subscribes again on a socket opened
   * with the new one. `connected` is told of every connection, and whether it is a reconnection.
   */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    next: (data: R) => void,
    failed: (error: unknown) => void,
    connected: (again: boolean) => void,
  ): () => void {
    const hash = hashOf(document);
    const payload = {
      query: texts[hash],
      variables: variables as Record<string, unknown>,
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    };
    let stopped = false;
    let stop = () => {};
    const start = () => {
      if (stopped) return;
      stop = this.openSocket(connected).subscribe<R>(payload, {
        next: (answer) => {
          const error = firstError(answer as Answer<R>);
          if (!error) return next(answer.data as R);
          if (!expired(error)) return failed(error);
          this.refresh().then(start, failed);
        },
        error: failed,
        complete: () => {},
      });
    };
    start();
    return () => {
      stopped = true;
      stop();
    };
  }

  /** The socket for the current access token: one opened with an older token is closed. */
  private openSocket(connected: (again: boolean) => void): Client {
    const token = this.session?.token ?? "";
    if (this.socket?.token !== token) {
      this.socket?.client.dispose();
      const client = createClient({
        url: this.url.replace(/^http/, "ws") + "/graphql",
        connectionParams: () => ({ authorization: `Bearer ${token}` }),
        // Reconnect after a restart of the server (1001) or a lost network; subscriptions resume.
        shouldRetry: () => true,
        retryAttempts: 5,
        on: { connected: () => connected(this.connections++ > 0) },
      });
      this.socket = { client, token };
    }
    return this.socket.client;
  }
}
