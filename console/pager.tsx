/** Previous and next, with where the reader is. */
export function Pager(props: {
  label: string;
  page: number;
  pages?: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  if (!props.hasPrevious && !props.hasNext) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        Previous
      </button>
      <span>
        Page {props.page}
        {props.pages ? ` of ${props.pages}` : ''}
      </span>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        Next
      </button>
    </nav>
  );
}
