import { buildSchema, type GraphQLSchema } from "graphql";

/**
 * The part of Linear's public GraphQL schema nightshift uses, with Linear's own type,
 * field and argument names, so queries valid here are valid there.
 */
export const SDL = `
scalar DateTime
scalar TimelessDate

enum PaginationOrderBy { createdAt updatedAt }

type PageInfo { hasPreviousPage: Boolean! hasNextPage: Boolean! startCursor: String endCursor: String }

type User { id: ID! name: String! displayName: String! email: String! active: Boolean! isMe: Boolean! }
type Team { id: ID! key: String! name: String! }
type WorkflowState { id: ID! name: String! type: String! position: Float! color: String! team: Team! }
type WorkflowStateConnection { nodes: [WorkflowState!]! pageInfo: PageInfo! }
type IssueLabel { id: ID! name: String! color: String! }
type IssueLabelConnection { nodes: [IssueLabel!]! pageInfo: PageInfo! }
type Comment { id: ID! body: String! user: User issue: Issue createdAt: DateTime! updatedAt: DateTime! url: String! }
type CommentConnection { nodes: [Comment!]! pageInfo: PageInfo! }
type Issue {
  id: ID! identifier: String! number: Float! title: String! description: String url: String!
  priority: Float! createdAt: DateTime! updatedAt: DateTime!
  state: WorkflowState! team: Team! creator: User assignee: User
  labels(first: Int, after: String): IssueLabelConnection!
  comments(first: Int, after: String): CommentConnection!
}
type IssueConnection { nodes: [Issue!]! pageInfo: PageInfo! }

input StringComparator { eq: String neq: String in: [String!] nin: [String!] eqIgnoreCase: String neqIgnoreCase: String contains: String }
input IDComparator { eq: ID neq: ID in: [ID!] nin: [ID!] }
input DateComparator { eq: DateTime gt: DateTime gte: DateTime lt: DateTime lte: DateTime }
input TeamFilter { id: IDComparator key: StringComparator name: StringComparator and: [TeamFilter!] or: [TeamFilter!] }
input WorkflowStateFilter { id: IDComparator name: StringComparator type: StringComparator team: TeamFilter and: [WorkflowStateFilter!] or: [WorkflowStateFilter!] }
input IssueLabelFilter { id: IDComparator name: StringComparator and: [IssueLabelFilter!] or: [IssueLabelFilter!] }
input IssueLabelCollectionFilter { id: IDComparator name: StringComparator some: IssueLabelFilter every: IssueLabelFilter length: NumberComparator }
input NumberComparator { eq: Float neq: Float gt: Float gte: Float lt: Float lte: Float }
input IssueFilter {
  id: IDComparator title: StringComparator number: NumberComparator
  updatedAt: DateComparator createdAt: DateComparator
  team: TeamFilter state: WorkflowStateFilter labels: IssueLabelCollectionFilter
  and: [IssueFilter!] or: [IssueFilter!]
}

type Query {
  viewer: User!
  issue(id: String!): Issue!
  issues(filter: IssueFilter, first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): IssueConnection!
  workflowStates(filter: WorkflowStateFilter, first: Int, after: String): WorkflowStateConnection!
}

input IssueUpdateInput { stateId: String title: String description: String assigneeId: String }
input CommentCreateInput { issueId: String! body: String! }
input CommentUpdateInput { body: String }
type IssuePayload { lastSyncId: Float! issue: Issue success: Boolean! }
type CommentPayload { lastSyncId: Float! comment: Comment! success: Boolean! }

type Mutation {
  issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload!
  commentCreate(input: CommentCreateInput!): CommentPayload!
  commentUpdate(id: String!, input: CommentUpdateInput!): CommentPayload!
}
`;

export function linearSchema(): GraphQLSchema {
  return buildSchema(SDL);
}
