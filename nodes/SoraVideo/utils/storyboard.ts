export interface Shot {
	duration: number;
	scene: string;
}

function formatSeconds(value: number): string {
	return String(Number(value.toFixed(3)));
}

/** The storyboard prompt of the self-developed models: "Shot 1:\nduration: 7.5sec\nScene: ...". */
export function storyboardPrompt(shots: Shot[]): string {
	return shots
		.map(
			(shot, index) =>
				`Shot ${index + 1}:\nduration: ${formatSeconds(shot.duration)}sec\nScene: ${shot.scene.trim()}`,
		)
		.join('\n\n');
}

export function totalDuration(shots: Shot[]): number {
	return shots.reduce((sum, shot) => sum + shot.duration, 0);
}
