import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { runEventStoreContract } from './event-store-contract.ts'

runEventStoreContract('MemoryEventStore', async () => ({ store: new MemoryEventStore() }))
