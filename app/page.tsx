// `/`: generate images with the loaded model.
import type { Metadata } from 'next';
import { GeneratePage } from './_generate/generate-page';

export const metadata: Metadata = { title: 'Generate' };

export default function Page() {
  return (
    <>
      <h1 className="visually-hidden">Generate</h1>
      <GeneratePage />
    </>
  );
}
