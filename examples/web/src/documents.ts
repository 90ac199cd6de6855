// The app's GraphQL documents. `npm run codegen` reads them and writes their types to src/gql/.
import { graphql } from "./gql";

export const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { token refreshToken expiresAt }
  }
`);

export const RefreshDocument = graphql(`
  mutation Refresh($input: RefreshSessionInput!) {
    refreshSession(input: $input) { token refreshToken expiresAt }
  }
`);

export const HandoffPageDocument = graphql(`
  query HandoffPage($slug: String!) {
    organization(slug: $slug) {
      id
      name
      handoffs(first: 20) {
        nodes { ...HandoffRow }
      }
    }
  }
`);

export const HandoffLandedDocument = graphql(`
  subscription HandoffLanded($organizationId: ID!) {
    handoffLanded(organizationId: $organizationId) { ...HandoffRow }
  }
`);

export const HandoffRowFragment = graphql(`
  fragment HandoffRow on Handoff {
    id
    title
    status
    score
    band
    partner { name }
    grades { component grade }
  }
`);
