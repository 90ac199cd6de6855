// A typed client of the API: each document's result and variables are typed by codegen.
//
// Documents travel by hash (Apollo's automatic persisted queries): a query is a GET with only the
// hash, which a CDN or the browser may cache; the first time a server has not seen it, it answers
// PERSISTED_QUERY_NOT_FOUND and the client sends the text once. The text sent is the manifest's,
// the one the hash was made from, so the same build also runs against a server in
// trusted-documents mode (TRUSTED_DOCUMENTS=src/gql/persisted-documents.json).
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./gql/graphql";
import manifest from "./gql/persisted-documents.json";

const texts: Record<string, string> = manifest;

/** A GraphQL error, with the code and field the API puts in `extensions`. */
export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly field?: string, readonly reason?: string) {
    super(message);
  }
}

type Answer<T> = { data?: T; errors?: { message: string; extensions?: Record<string, string> }[] };

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

export class Api {
  private socket?: Client;

  constructor(readonly url: string, public token?: string) {}

  async execute<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const hash = hashOf(document);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const isQuery = document.toString().trimStart().startsWith("query");
    let answer = await this.send<R>(isQuery, { variables, extensions });
    if (answer.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
      answer = await this.send<R>(false, { query: texts[hash], variables, extensions });
    }
    const error = firstError(answer);
    if (error) throw error;
    return answer.data as R;
  }

  private async send<R>(get: boolean, body: Record<string, unknown>): Promise<Answer<R>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    if (get) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(body)) params.set(key, JSON.stringify(value));
      response = await fetch(`${this.url}/graphql?${params}`, { headers });
    } else {
      headers["Content-Type"] = "application/json";
      response = await fetch(`${this.url}/graphql`, { method: "POST", headers, body: JSON.stringify(body) });
    }
    return (await response.json()) as Answer<R>;
  }

  /** Subscribes over graphql-transport-ws; returns a function that ends the subscription. */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    next: (data: R) => void,
    failed: (error: unknown) => void,
  ): () => void {
    this.socket ??= createClient({
      url: this.url.replace(/^http/, "ws") + "/graphql",
      connectionParams: () => ({ authorization: `Bearer ${this.token}` }),
      // Reconnect after a restart of the server (close 1001) or a lost network.
      retryAttempts: 5,
    });
    const hash = hashOf(document);
    return this.socket.subscribe<R>(
      {
        query: texts[hash],
        variables: variables as Record<string, unknown>,
        extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      },
      {
        next: (answer) => {
          const error = firstError(answer as Answer<R>);
          if (error) failed(error);
          else next(answer.data as R);
        },
        error: failed,
        complete: () => {},
      },
    );
  }
}
