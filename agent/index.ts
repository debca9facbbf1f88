/**
 * roster/agent: what a node embeds to be a member of a Roster cluster. No dependency beyond
 * Node's own fetch.
 */
export { Agent, type AgentEvent, type AgentOptions, type DrainContext } from './agent';
export { RosterError } from './errors';
export { Lease } from './lease';
