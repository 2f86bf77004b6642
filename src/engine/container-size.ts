// A container's sizes as docker reports them (ps --size, inspect --size, the API's size=1): SizeRw is
// what its writable layer holds (the overlay upper dir), SizeRootFs that plus its image's layers.
import { dirSize } from '../volume/size';
import { containerPaths, type EngineDeps } from './lifecycle/context';
import type { ContainerRecord } from './container-store';

export interface ContainerSize {
  SizeRw: number;
  SizeRootFs: number;
}

export async function containerSize(deps: EngineDeps, record: ContainerRecord, imageSizes?: Map<string, number>): Promise<ContainerSize> {
  const rw = dirSize(containerPaths(deps.layout, record.id).upper);
  // an image removed with rmi -f leaves its layers to the container; without the record its size is unknown
  const image = imageSizes ? imageSizes.get(record.imageId) : (await deps.images.find(record.imageId))?.size;
  return { SizeRw: rw, SizeRootFs: rw + (image ?? 0) };
}
